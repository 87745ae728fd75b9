import { backendPort } from "../model";
import { run } from "./exec";
import { CLIENT_NS } from "./namespaces";
import { BootedStack } from "./stack";

/** One wrk measurement. */
export interface BenchRow {
    scenario: string;
    backendHop: string;
    url: string;
    requestsPerSecond: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
}

export const BENCH = { seconds: 5, threads: 2, connections: 16 };

function toMs(value: string): number {
    const m = /^([\d.]+)(us|ms|s|m)$/.exec(value.trim());
    if (!m) return NaN;
    const n = Number(m[1]);
    return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60000;
}

/** Parses wrk --latency output. */
export function parseWrk(output: string): Pick<BenchRow, "requestsPerSecond" | "p50Ms" | "p99Ms" | "errors"> {
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? NaN);
    const p50 = toMs(/^\s+50%\s+(\S+)/m.exec(output)?.[1] ?? "");
    const p99 = toMs(/^\s+99%\s+(\S+)/m.exec(output)?.[1] ?? "");
    const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
    const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
    return { requestsPerSecond: rps, p50Ms: p50, p99Ms: p99, errors };
}

async function wrk(ns: string, url: string): Promise<ReturnType<typeof parseWrk>> {
    const out = await run(["ip", "netns", "exec", ns, "wrk", `-t${BENCH.threads}`, `-c${BENCH.connections}`, `-d${BENCH.seconds}s`, "--timeout", "5s", "--latency", url], {
        timeoutMs: (BENCH.seconds + 15) * 1000,
    });
    if (out.code !== 0) throw new Error(`wrk ${url}: ${out.stderr.trim() || out.stdout.trim()}`);
    return parseWrk(out.stdout);
}

/**
 * wrk, bounded to a few seconds each: straight to one nginx (from the LB's namespace, the
 * only place its firewall admits) and through the LB from the client, with this run's hop.
 */
export async function measure(stack: BootedStack): Promise<BenchRow[]> {
    const hop = stack.plan.config.backendHop;
    const app = stack.apps[0];
    const port = backendPort(hop);
    const direct = `${hop === "tls" ? "https" : "http"}://${app.server.privateIp}:${port}/`;
    const throughLb = `https://www.${stack.plan.config.domain}/`;
    const rows: BenchRow[] = [];
    rows.push({ scenario: `nginx on ${app.server.key} direct`, backendHop: hop, url: direct, ...(await wrk(stack.lb.ns, direct)) });
    rows.push({ scenario: `through the LB (${stack.apps.length} app servers)`, backendHop: hop, url: throughLb, ...(await wrk(CLIENT_NS, throughLb)) });
    return rows;
}
