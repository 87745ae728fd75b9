export interface NginxSiteSpec {
    /** The server's own name (its certificate is issued for it). */
    serverName: string;
    /** The public names clients use; nginx answers them too. */
    publicNames: string[];
    /** The ports nginx serves the load balancer on: one, or during a hop migration a plaintext and a TLS one. */
    listeners: { port: number; tls: boolean }[];
    /** Certificate and key paths, needed when a listener is TLS. */
    tls?: { certificatePath: string; keyPath: string };
    /** Loopback port of the application. */
    appPort: number;
    /** Loopback port of nginx's stub_status, read by the Datadog agent. */
    statusPort: number;
    /** Addresses of the load balancer: the only hosts whose X-Forwarded-For is trusted. */
    trustedProxies: string[];
}

/**
 * The nginx site on an application server: serves the app on the backend port, over TLS
 * with the backend certificate when the hop is re-encrypted, keeps connections to the
 * app alive, and exposes stub_status on loopback for the Datadog agent.
 */
export function renderNginxSite(spec: NginxSiteSpec): string {
    if (spec.listeners.length === 0) throw new Error("renderNginxSite: no listener");
    const servesTls = spec.listeners.some((l) => l.tls);
    if (servesTls && !spec.tls) throw new Error("renderNginxSite: a TLS listener needs the certificate and key paths");
    // One server block: nginx applies ssl per listen, so a plaintext and a TLS port can share it.
    const listen = spec.listeners.map((l) => (l.tls ? `listen ${l.port} ssl;` : `listen ${l.port};`)).join("\n    ");
    const tlsBlock =
        servesTls && spec.tls
            ? `
    ssl_certificate ${spec.tls.certificatePath};
    ssl_certificate_key ${spec.tls.keyPath};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    # The load balancer resumes sessions, so re-encryption costs a full handshake rarely.
    ssl_session_cache shared:webstack:10m;
    ssl_session_timeout 1h;
    ssl_session_tickets off;
`
            : "";
    return `# Rendered by webstack (renderNginxSite). Edit the Pulumi config, not this file.
upstream webstack_app {
    server 127.0.0.1:${spec.appPort};
    keepalive 16;
}

server {
    ${listen}
    server_name ${[spec.serverName, ...spec.publicNames].join(" ")};
    server_tokens off;
${tlsBlock}
${spec.trustedProxies.map((p) => `    set_real_ip_from ${p};`).join("\n")}
    real_ip_header X-Forwarded-For;
    keepalive_timeout 65s;
    keepalive_requests 10000;

    location / {
        proxy_pass http://webstack_app;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
        proxy_read_timeout 15s;
    }
}

server {
    listen 127.0.0.1:${spec.statusPort};
    location /nginx_status {
        stub_status;
        allow 127.0.0.1;
        deny all;
    }
}
`;
}
