// Reference design control: www is served over HTTPS only — modern TLS at the frontend,
// plain HTTP redirected, and HSTS so browsers never fall back to HTTP.
import { definePolicy } from "../lib/definePolicy";
import { directives, HaproxyConfig, HaproxySection, parseHaproxyConfig, proxyMode, tlsFrontends } from "../lib/haproxy";
import { arr, obj, str } from "../lib/props";
import { assumedDefaults, PROVIDER_DEFAULTS } from "../lib/providerDefaults";
import { LISTENER_TYPES } from "../lib/types";
import { eachResource } from "../lib/eachResource";
import { fileContent, isServerType } from "../lib/userData";

const GOOD_MIN_VERSIONS = ["TLSv1.2", "TLSv1.3"];

/** ELB security policies that only allow TLS 1.2+: the "-1-2-" and "-1-3-" families. */
export function isModernElbPolicy(policy: string): boolean {
    return /(^|-)1-[23](-|$)/.test(policy);
}

/** ssl-min-ver from a bind line or the global ssl-default-bind-options; force-tlsv12/13 also pin the version. */
function minTlsOk(bind: string[], cfg: HaproxyConfig): boolean {
    const globalOpts = directives(cfg.global, "ssl-default-bind-options").flatMap((l) => l.slice(1));
    const opts = [...globalOpts, ...bind];
    let minVer: string | undefined;
    let forced = false;
    for (let i = 0; i < opts.length; i++) {
        if (opts[i] === "ssl-min-ver") {
            minVer = opts[i + 1];
        } else if (opts[i] === "force-tlsv12" || opts[i] === "force-tlsv13") {
            forced = true;
        }
    }
    return forced || (minVer !== undefined && GOOD_MIN_VERSIONS.includes(minVer));
}

function isLocalBind(address: string): boolean {
    return /^(127\.|localhost:|\[?::1\]?:|unix@|\/|abns@)/.test(address);
}

function redirectsToHttps(section: HaproxySection): boolean {
    return section.lines.some((l) => (l[0] === "http-request" && l[1] === "redirect" && l[2] === "scheme" && l[3] === "https") || (l[0] === "redirect" && l[1] === "scheme" && l[2] === "https"));
}

/** The largest HSTS max-age set anywhere (frontend, backend or defaults), or undefined. */
function hstsMaxAge(cfg: HaproxyConfig): number | undefined {
    let best: number | undefined;
    for (const s of cfg.sections) {
        for (const l of s.lines) {
            if (l[0] === "http-response" && (l[1] === "set-header" || l[1] === "add-header") && l[2]?.toLowerCase() === "strict-transport-security") {
                const m = /max-age=(\d+)/i.exec(l.slice(3).join(" "));
                if (m) {
                    best = Math.max(best ?? 0, Number(m[1]));
                }
            }
        }
    }
    return best;
}

export function haproxyHttpsProblems(cfgText: string, minHsts: number): string[] {
    const cfg = parseHaproxyConfig(cfgText);
    const problems: string[] = [];
    const tls = tlsFrontends(cfg);
    for (const f of tls) {
        for (const bind of directives(f, "bind").filter((b) => b.includes("ssl"))) {
            if (!minTlsOk(bind, cfg)) {
                problems.push(`frontend ${f.name} binds ${bind[1]} without \`ssl-min-ver TLSv1.2\` (add it to the bind line or to \`ssl-default-bind-options\` in global)`);
            }
        }
    }
    // Plain-HTTP frontends in http mode must only redirect to HTTPS.
    for (const s of cfg.sections.filter((x) => (x.kind === "frontend" || x.kind === "listen") && proxyMode(x) === "http")) {
        // Loopback and unix-socket binds (e.g. the stats page the Datadog agent scrapes) are not reachable from clients.
        const plainBinds = directives(s, "bind").filter((b) => !b.includes("ssl") && !isLocalBind(b[1] ?? ""));
        if (plainBinds.length > 0 && !redirectsToHttps(s)) {
            problems.push(`frontend ${s.name} accepts plain HTTP on ${plainBinds.map((b) => b[1]).join(", ")} without \`http-request redirect scheme https\``);
        }
    }
    if (tls.some((f) => proxyMode(f) === "http")) {
        const maxAge = hstsMaxAge(cfg);
        if (maxAge === undefined) {
            problems.push(`no \`http-response set-header Strict-Transport-Security "max-age=${minHsts}"\` (HSTS) is set`);
        } else if (maxAge < minHsts) {
            problems.push(`HSTS max-age=${maxAge} is below the minimum ${minHsts}`);
        }
    }
    return problems;
}

/** A listener default action that redirects to HTTPS. */
function redirectsToHttpsAction(action: unknown): boolean {
    const a = obj(action);
    return str(a?.type) === "redirect" && str(obj(a?.redirect)?.protocol)?.toUpperCase() === "HTTPS";
}

export const httpsOnlyFrontend = definePolicy({
    name: "https-only-frontend",
    category: "design-control",
    severity: "medium",
    description: `The public frontend must serve HTTPS only: TLS 1.2+, HTTP redirected to HTTPS, HSTS set.${assumedDefaults("https-only-frontend")}`,
    settings: {
        minHstsMaxAgeSeconds: {
            type: "integer",
            minimum: 0,
            default: 15552000,
            description: "Minimum Strict-Transport-Security max-age in seconds (default 180 days).",
        },
    },
    validateStack: eachResource((args, reportViolation, settings) => {
        if (isServerType(args.type)) {
            const ud = args.files;
            const text = ud && fileContent(ud, "/etc/haproxy/haproxy.cfg");
            if (!text) {
                return;
            }
            // Read here, not for every resource: the config is copied on each read and most resources are not servers.
            const cfg = settings();
            const problems = haproxyHttpsProblems(text, cfg.minHstsMaxAgeSeconds);
            if (problems.length > 0) {
                reportViolation(
                    `${args.name}: /etc/haproxy/haproxy.cfg does not enforce HTTPS-only: ${problems.join("; ")}. ` +
                        `The webstack load balancer renderer sets these by default; for other configs add the directives named.`,
                );
            }
            return;
        }
        if (LISTENER_TYPES.includes(args.type)) {
            // An absent protocol is the provider's default, HTTP for an application load balancer.
            const protocol = args.props.protocol === undefined ? String(PROVIDER_DEFAULTS.albListenerProtocol.value) : str(args.props.protocol)?.toUpperCase();
            const actions = arr(args.props.defaultActions);
            if (protocol === "HTTP" && actions && actions.length > 0 && !actions.some(redirectsToHttpsAction)) {
                reportViolation(
                    `${args.name}: listener serves plain HTTP${args.props.protocol === undefined ? " (protocol not set: the provider's default for an ALB is HTTP)" : ""} without redirecting to HTTPS. ` +
                        'Set `protocol: "HTTPS"` with a certificate, or make its default action `{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }`.',
                );
            }
            const policy = str(args.props.sslPolicy);
            // An absent sslPolicy gets AWS's current default (ELBSecurityPolicy-TLS13-1-2-2021-06).
            if ((protocol === "HTTPS" || protocol === "TLS") && policy !== undefined && !isModernElbPolicy(policy)) {
                reportViolation(
                    `${args.name}: ${protocol} listener uses sslPolicy ${policy}, which still allows TLS 1.0/1.1. ` +
                        `Set \`sslPolicy\` to "ELBSecurityPolicy-TLS13-1-2-2021-06" (or another TLS 1.2+ policy).`,
                );
            }
        }
    }),
});
