import { BackendHop } from "../model";

export interface HaproxyBackend {
    /** Server name in haproxy.cfg and in the stats (app-0). */
    name: string;
    address: string;
    /** Name the backend's certificate is issued for; verified with the tls hop. */
    fqdn: string;
}

export interface HaproxySpec {
    domain: string;
    backends: HaproxyBackend[];
    backendHop: BackendHop;
    /** Port of nginx on the app servers for this hop. */
    backendPort: number;
    /** Certificate chain; HAProxy loads the key from `<path>.key` beside it. */
    frontendCertificatePath: string;
    /** CA that signed the backend certificates (tls hop). */
    internalCaPath: string;
    /** Loopback address and port of the stats page and Prometheus endpoint. */
    statsBind: string;
    /** HSTS max-age in seconds. */
    hstsMaxAgeSeconds: number;
    /** Admin socket (for the Datadog agent's and operators' runtime queries). */
    adminSocketPath: string;
}

// Mozilla "intermediate" profile: TLS 1.2 with AEAD ECDHE suites only, TLS 1.3 suites.
export const TLS12_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");
export const TLS13_CIPHERSUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

export const HEALTH_CHECK_PATH = "/healthz";
/**
 * Diagnostics the app serves to its neighbours (database reachability per server), never to
 * clients: the public frontend answers 404 for them.
 */
export const INTERNAL_PATHS = ["/db.json"];

/**
 * haproxy.cfg for the load balancer: TLS 1.2+ termination for www.<domain> and the apex,
 * HTTP→HTTPS redirect, HSTS, round robin over every app server with health checks, and
 * the backend hop chosen by config. With `tls`, every backend connection is re-encrypted
 * and the backend's certificate is verified against the internal CA and its own name.
 */
export function renderHaproxyConfig(spec: HaproxySpec): string {
    if (spec.backends.length === 0) {
        throw new Error("renderHaproxyConfig: at least one backend is required");
    }
    const backendTls = spec.backendHop === "tls";
    const serverLine = (b: HaproxyBackend) => {
        const base = `    server ${b.name} ${b.address}:${spec.backendPort} check`;
        // verifyhost pins the name; sni lets nginx pick the right certificate.
        return backendTls ? `${base} ssl verify required ca-file ${spec.internalCaPath} verifyhost ${b.fqdn} sni str(${b.fqdn})` : base;
    };

    return `# Rendered by webstack (renderHaproxyConfig). Edit the Pulumi config, not this file.
global
    log /dev/log local0
    maxconn 4096
    user haproxy
    group haproxy
    stats socket ${spec.adminSocketPath} mode 660 level admin
    ssl-default-bind-ciphers ${TLS12_CIPHERS}
    ssl-default-bind-ciphersuites ${TLS13_CIPHERSUITES}
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
    ssl-default-server-ciphers ${TLS12_CIPHERS}
    ssl-default-server-ciphersuites ${TLS13_CIPHERSUITES}
    ssl-default-server-options ssl-min-ver TLSv1.2 no-tls-tickets
    # Resumed sessions skip the full handshake on both sides of the proxy.
    tune.ssl.cachesize 20000
    tune.ssl.lifetime 600

defaults
    mode http
    log global
    option httplog
    option dontlognull
    option forwardfor
    # Reuse idle backend connections across client requests: fewer TLS handshakes to backends.
    http-reuse safe
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 10s

frontend http-in
    bind :80
    http-request redirect scheme https code 301

frontend https-in
    bind :443 ssl crt ${spec.frontendCertificatePath} alpn h2,http/1.1
    http-request set-header X-Forwarded-Proto https
    http-request deny deny_status 404 if { path ${INTERNAL_PATHS.join(" ")} }
    http-response set-header Strict-Transport-Security "max-age=${spec.hstsMaxAgeSeconds}; includeSubDomains"
    default_backend app-servers

backend app-servers
    balance roundrobin
    # A request that cannot connect goes to another server instead of failing while a dead
    # server is still marked up (it takes two failed checks). Only connection failures are
    # retried: nothing was sent, so a non-idempotent request is never replayed.
    option redispatch
    retries 2
    retry-on conn-failure
    option httpchk
    http-check send meth GET uri ${HEALTH_CHECK_PATH} ver HTTP/1.1 hdr Host ${spec.domain}
    http-check expect status 200
    default-server inter 2s fall 2 rise 2
${spec.backends.map(serverLine).join("\n")}

frontend stats
    bind ${spec.statsBind}
    http-request use-service prometheus-exporter if { path /metrics }
    stats enable
    stats uri /stats
    stats refresh 10s
`;
}
