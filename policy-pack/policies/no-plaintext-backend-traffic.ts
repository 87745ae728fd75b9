// Documented weakness #1: TLS ends at the load balancer and the hop to the backends is
// plaintext, so anyone inside the network can read or alter traffic.
import { PolicyResource } from "@pulumi/policy";
import { definePolicy } from "../lib/definePolicy";
import { parseHaproxyConfig, serverTlsSettings, tlsFrontends } from "../lib/haproxy";
import { arr, obj, str } from "../lib/props";
import { ofType } from "../lib/resourceIndex";
import { LISTENER_TYPES, TARGET_GROUP_TYPES } from "../lib/types";
import { readServerFiles } from "../lib/serverFiles";
import { fileContent, isServerType } from "../lib/userData";

const PLAINTEXT_TARGET_PROTOCOLS = ["HTTP", "TCP"];

/** haproxy on a server terminates TLS and talks plaintext (or unverified TLS) to a backend. */
function checkHaproxy(r: PolicyResource, resources: PolicyResource[], report: (m: string, urn?: string) => void): void {
    const ud = readServerFiles(r, resources);
    const cfgText = ud && fileContent(ud, "/etc/haproxy/haproxy.cfg");
    if (!cfgText) {
        return;
    }
    const cfg = parseHaproxyConfig(cfgText);
    const frontends = tlsFrontends(cfg);
    if (frontends.length === 0) {
        return;
    }
    const bad = serverTlsSettings(cfg).filter((s) => !s.ssl || s.verify !== "required");
    if (bad.length === 0) {
        return;
    }
    const detail = bad.map((s) => `${s.backend}/${s.server} (${s.address}): ${!s.ssl ? "no `ssl`" : s.verify === "none" ? "`verify none`" : "no `verify required`"}`).join("; ");
    report(
        `${r.name}: haproxy terminates TLS on frontend ${frontends.map((f) => f.name).join(", ")} but forwards to backends without verified TLS — ${detail}. ` +
            `For the webstack program set webstack:backendHop to "tls"; otherwise add \`ssl verify required ca-file <internal CA>\` to each \`server\` line ` +
            `(or to \`default-server\`) in /etc/haproxy/haproxy.cfg.`,
        r.urn,
    );
}

/** Non-loopback ports an nginx config listens on without TLS (`listen 80;`, `listen 0.0.0.0:80 default_server;`). */
export function nginxPlaintextPorts(config: string): number[] {
    const ports: number[] = [];
    for (const match of config.matchAll(/^\s*listen\s+([^;]+);/gm)) {
        const [address, ...options] = match[1].trim().split(/\s+/);
        if (options.includes("ssl") || options.includes("quic") || /^(127\.|\[::1\]|localhost|unix:)/.test(address)) continue;
        // nginx's `listen address[:port]`: a bare number is a port, an address without one (`*`, an IP, `[::]`, a host name) listens on 80.
        const port = /(?:^|:)(\d+)$/.exec(address)?.[1];
        ports.push(port === undefined ? 80 : Number(port));
    }
    return ports;
}

/**
 * A backend HAProxy dials over verified TLS that still serves plaintext on another port: the
 * encrypted hop can be bypassed from inside the network. (webstack leaves one while a hop
 * migration is in its dial-new stage.)
 */
function checkLeftoverPlaintext(resources: PolicyResource[], report: (m: string, urn?: string) => void): void {
    const verifiedBackends = new Set<string>();
    for (const r of resources.filter((x) => isServerType(x.type))) {
        const ud = readServerFiles(r, resources);
        const cfgText = ud && fileContent(ud, "/etc/haproxy/haproxy.cfg");
        if (!cfgText) continue;
        for (const s of serverTlsSettings(parseHaproxyConfig(cfgText))) {
            if (s.ssl && s.verify === "required") verifiedBackends.add(s.address.replace(/:\d+$/, ""));
        }
    }
    if (verifiedBackends.size === 0) return;
    for (const r of resources.filter((x) => isServerType(x.type))) {
        const ip = str(r.props.privateIp);
        const ud = ip && verifiedBackends.has(ip) ? readServerFiles(r, resources) : undefined;
        if (!ud) continue;
        for (const file of ud.files.filter((f) => f.path.startsWith("/etc/nginx/"))) {
            const ports = nginxPlaintextPorts(file.content);
            if (ports.length === 0) continue;
            report(
                `${r.name}: HAProxy reaches this backend (${ip}) over verified TLS, yet nginx (${file.path}) still serves plaintext on port ${ports.join(", ")}, ` +
                    `so the hop can be bypassed inside the network. For the webstack program remove webstack:backendHopMigration once every server has applied ` +
                    `the dial-new stage; otherwise drop the plaintext \`listen\` from ${file.path}.`,
                r.urn,
            );
        }
    }
}

/** Target group ARNs a listener forwards to (simple forward and weighted forward blocks). */
function forwardedArns(listener: PolicyResource): string[] {
    const arns: string[] = [];
    for (const action of arr(listener.props.defaultActions) ?? []) {
        const a = obj(action);
        if (!a || str(a.type) !== "forward") {
            continue;
        }
        const single = str(a.targetGroupArn);
        if (single) {
            arns.push(single);
        }
        for (const tg of arr(obj(a.forward)?.targetGroups) ?? []) {
            const arn = str(obj(tg)?.arn);
            if (arn) {
                arns.push(arn);
            }
        }
    }
    return arns;
}

/** Target groups by each reference a listener may hold to them (ARN, URN, id); the first one declared wins, as a scan would. */
function targetGroupsByReference(targetGroups: PolicyResource[]): Map<string, PolicyResource> {
    const byRef = new Map<string, PolicyResource>();
    const add = (ref: string | undefined, tg: PolicyResource) => {
        if (ref !== undefined && !byRef.has(ref)) {
            byRef.set(ref, tg);
        }
    };
    for (const tg of targetGroups) {
        add(str(tg.props.arn), tg);
        add(tg.urn, tg);
        add(str(tg.props.id), tg);
    }
    return byRef;
}

function checkListener(listener: PolicyResource, targetGroups: Map<string, PolicyResource>, report: (m: string, urn?: string) => void): void {
    const protocol = str(listener.props.protocol)?.toUpperCase();
    if (protocol === "HTTPS" || protocol === "TLS") {
        for (const arn of forwardedArns(listener)) {
            const tg = targetGroups.get(arn);
            const tgProtocol = str(tg?.props.protocol)?.toUpperCase();
            if (tg && tgProtocol && PLAINTEXT_TARGET_PROTOCOLS.includes(tgProtocol)) {
                report(
                    `${listener.name}: ${protocol} listener forwards to target group ${tg.name} over ${tgProtocol}, so traffic to the targets is plaintext. ` +
                        `For the webstack program set webstack:backendHop to "tls"; otherwise set the target group's \`protocol\` to ${protocol === "TLS" ? '"TLS"' : '"HTTPS"'}.`,
                    listener.urn,
                );
            }
        }
        return;
    }
    if (protocol === "HTTP") {
        const actions = arr(listener.props.defaultActions);
        if (!actions) {
            return; // unknown during preview
        }
        const redirectsToHttps = actions.some((a) => str(obj(a)?.type) === "redirect" && str(obj(obj(a)?.redirect)?.protocol)?.toUpperCase() === "HTTPS");
        if (!redirectsToHttps) {
            report(
                `${listener.name}: HTTP listener serves traffic in plaintext instead of redirecting to HTTPS. ` +
                    `Set its \`defaultActions\` to [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }].`,
                listener.urn,
            );
        }
    }
}

export const noPlaintextBackendTraffic = definePolicy({
    name: "no-plaintext-backend-traffic",
    category: "documented-weakness",
    severity: "high",
    description: "TLS must not end at the load balancer with a plaintext or unverified hop to the backends.",
    validateStack: (args, reportViolation) => {
        const targetGroups = targetGroupsByReference(ofType(args.resources, ...TARGET_GROUP_TYPES));
        for (const r of args.resources) {
            if (isServerType(r.type)) {
                checkHaproxy(r, args.resources, reportViolation);
            } else if (LISTENER_TYPES.includes(r.type)) {
                checkListener(r, targetGroups, reportViolation);
            }
        }
        checkLeftoverPlaintext(args.resources, reportViolation);
    },
});
