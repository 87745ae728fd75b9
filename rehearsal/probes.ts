import * as path from "path";
import { backendPort, PORTS } from "../model";
import { run, RunResult } from "./exec";
import { CLIENT_NS, LB_PUBLIC_IP } from "./namespaces";
import { ServerRoot } from "./roots";
import { inServer } from "./units";
import { BootedStack } from "./stack";

/** Small, bounded probes the checks and faults are made of. */

export const caFile = (stack: BootedStack) => path.join(stack.runDir, "pki", "ca.crt");
export const site = (stack: BootedStack) => `www.${stack.plan.config.domain}`;

/** curl from the client namespace, with www.<domain> and the apex resolved to the LB's public address. */
export function clientCurl(stack: BootedStack, args: string[], timeoutS = 5): Promise<RunResult> {
    const domain = stack.plan.config.domain;
    const resolve = [80, 443].flatMap((port) => ["--resolve", `www.${domain}:${port}:${LB_PUBLIC_IP}`, "--resolve", `${domain}:${port}:${LB_PUBLIC_IP}`]);
    return run(["ip", "netns", "exec", CLIENT_NS, "curl", "-sS", "--max-time", String(timeoutS), ...resolve, ...args], { timeoutMs: (timeoutS + 3) * 1000 });
}

/** One HTTPS GET through the LB, verified against the internal CA: status and X-Served-By. */
export async function getThroughLb(stack: BootedStack, urlPath = "/", timeoutS = 5): Promise<{ status: number; servedBy: string; body: string; error: string }> {
    const out = await clientCurl(stack, ["--cacert", caFile(stack), "-D", "-", `https://${site(stack)}${urlPath}`], timeoutS);
    const status = Number(/^HTTP\/[\d.]+ (\d+)/m.exec(out.stdout)?.[1] ?? 0);
    const servedBy = /^x-served-by: *(\S+)/im.exec(out.stdout)?.[1] ?? "";
    const body = out.stdout
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join("\n\n");
    return { status, servedBy, body, error: out.code === 0 ? "" : out.stderr.trim() };
}

/**
 * One GET from the load balancer's namespace straight to an app server's backend port, the
 * way HAProxy connects (TLS verified for the server's name when the hop is tls). Internal
 * diagnostics such as /db.json are served only this way: the public frontend refuses them.
 */
export async function getFromLb(stack: BootedStack, app: ServerRoot, urlPath: string, timeoutS = 10): Promise<{ status: number; body: string; error: string }> {
    const port = backendPort(stack.plan.config.backendHop);
    const url = stack.plan.config.backendHop === "tls" ? `https://${app.server.fqdn}:${port}${urlPath}` : `http://${app.server.privateIp}:${port}${urlPath}`;
    const tls = stack.plan.config.backendHop === "tls" ? ["--cacert", caFile(stack), "--resolve", `${app.server.fqdn}:${port}:${app.server.privateIp}`] : [];
    const out = await run(["ip", "netns", "exec", stack.lb.ns, "curl", "-sS", "--max-time", String(timeoutS), ...tls, "-D", "-", url], { timeoutMs: (timeoutS + 3) * 1000 });
    const status = Number(/^HTTP\/[\d.]+ (\d+)/m.exec(out.stdout)?.[1] ?? 0);
    const body = out.stdout
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join("\n\n");
    return { status, body, error: out.code === 0 ? "" : out.stderr.trim() };
}

export type PortState = "open" | "refused" | "filtered";

/** Opens a TCP connection from a namespace: open, actively refused (RST) or filtered (no answer in timeoutS, 2 s by default). */
export async function tcpProbe(ns: string, host: string, port: number, timeoutS = 2): Promise<PortState> {
    const out = await run(["ip", "netns", "exec", ns, "timeout", String(timeoutS), "bash", "-c", `exec 3<>/dev/tcp/${host}/${port}`], { timeoutMs: (timeoutS + 2) * 1000 });
    if (out.code === 0) return "open";
    return out.code === 124 || out.timedOut ? "filtered" : "refused";
}

/**
 * SQL as the app user over TLS verified against the internal CA (and the server's name), from
 * a server's network namespace with the host's client (app servers carry no mysql client).
 */
export function appSql(stack: BootedStack, from: ServerRoot, host: string, sql: string, options: { tls?: boolean } = {}): Promise<RunResult> {
    const tls = options.tls ?? true;
    const tlsArgs = tls ? ["--ssl", `--ssl-ca=${caFile(stack)}`, "--ssl-verify-server-cert"] : ["--skip-ssl"];
    const password = stack.passwords[stack.facts.parameters.mysqlAppPassword];
    return run(
        [
            "ip",
            "netns",
            "exec",
            from.ns,
            "mariadb",
            "--no-defaults",
            "-h",
            host,
            "-P",
            String(PORTS.mysql),
            "-u",
            stack.facts.database.appUser,
            ...tlsArgs,
            "--connect-timeout=3",
            "-N",
            "-B",
            stack.plan.config.database.name,
            "-e",
            sql,
        ],
        {
            timeoutMs: 15000,
            env: { ...process.env, MYSQL_PWD: password },
        },
    );
}

/** SQL as root over the server's own socket, with the credentials file the bootstrap wrote. */
export function rootSql(root: ServerRoot, sql: string): Promise<RunResult> {
    return run(inServer(root, ["mariadb", "--defaults-file=/root/.my.cnf", "-N", "-B", "-e", sql]), { timeoutMs: 15000 });
}

export async function mustSql(result: Promise<RunResult>, what: string): Promise<string> {
    const out = await result;
    if (out.code !== 0) throw new Error(`${what}: ${out.stderr.trim() || `exit ${out.code}`}`);
    return out.stdout.trim();
}

/** `SHOW SLAVE STATUS\G` as a field → value map. */
export async function slaveStatus(root: ServerRoot): Promise<Record<string, string>> {
    const out = await run(inServer(root, ["mariadb", "--defaults-file=/root/.my.cnf", "-e", "SHOW SLAVE STATUS\\G"]), { timeoutMs: 15000 });
    const fields: Record<string, string> = {};
    for (const line of out.stdout.split("\n")) {
        const m = /^\s*(\w+): ?(.*)$/.exec(line);
        if (m) fields[m[1]] = m[2];
    }
    return fields;
}

/** HAProxy's view of each backend server (stats CSV on the loopback stats listener), by server name. */
export async function backendStatus(stack: Pick<BootedStack, "lb">): Promise<Record<string, string>> {
    const out = await run(["ip", "netns", "exec", stack.lb.ns, "curl", "-sS", "--max-time", "3", `http://127.0.0.1:${PORTS.haproxyStats}/stats;csv`], { timeoutMs: 6000 });
    const statuses: Record<string, string> = {};
    for (const line of out.stdout.split("\n")) {
        const cols = line.split(",");
        if (cols[0] === "app-servers" && cols[1] !== "BACKEND" && cols[1] !== "FRONTEND") statuses[cols[1]] = cols[17];
    }
    return statuses;
}

/** Text of HAProxy's Prometheus endpoint, fetched from inside the LB namespace. */
export async function prometheusMetrics(stack: BootedStack): Promise<string> {
    const out = await run(["ip", "netns", "exec", stack.lb.ns, "curl", "-sS", "--max-time", "3", `http://127.0.0.1:${PORTS.haproxyStats}/metrics`], { timeoutMs: 6000 });
    if (out.code !== 0) throw new Error(`metrics endpoint: ${out.stderr.trim()}`);
    return out.stdout;
}

export function frontendRequests(metrics: string, frontend: string): number | undefined {
    const m = new RegExp(`^haproxy_frontend_http_requests_total\\{proxy="${frontend}"\\} (\\d+)`, "m").exec(metrics);
    return m ? Number(m[1]) : undefined;
}
