import { BenchRow } from "./bench";

export type CheckStatus = "PASS" | "FAIL" | "N/A";

/** One line of the report: a check's stable id, its outcome and what was observed. */
export interface CheckResult {
    id: string;
    status: CheckStatus;
    detail: string;
}

export interface RehearsalReport {
    stack: string;
    overrides: string[];
    notes: string[];
    timings: Record<string, number>;
    checks: CheckResult[];
    teardownProblems: string[];
    bench?: BenchRow[];
    /** Set when the rehearsal could not boot or crashed; the checks then are incomplete. */
    error?: string;
    /** What the machine lacks (one line each); the CLI exits 2. */
    badEnvironment?: string[];
    /** PRETTY_NAME of /etc/os-release inside the containers. */
    os?: string;
    /** cloud-init's duration on each server, seconds. */
    cloudInitSeconds?: Record<string, number>;
    /** How each container stopped at teardown: powered off, or the signal it took. */
    containersStopped?: Record<string, string>;
}

export const passed = (id: string, detail: string): CheckResult => ({ id, status: "PASS", detail });
export const failed = (id: string, detail: string): CheckResult => ({ id, status: "FAIL", detail });
export const notApplicable = (id: string, detail: string): CheckResult => ({ id, status: "N/A", detail });
export const verdict = (id: string, ok: boolean, detail: string): CheckResult => (ok ? passed(id, detail) : failed(id, detail));

/** Runs a check, turning an exception into a FAIL line instead of aborting the rehearsal. */
export async function guarded(id: string, body: () => Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
    try {
        const result = await body();
        return Array.isArray(result) ? result : [result];
    } catch (error) {
        return [failed(id, `error: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1500))];
    }
}

export function reportFailed(report: RehearsalReport): boolean {
    return report.error !== undefined || report.teardownProblems.length > 0 || report.checks.some((c) => c.status === "FAIL");
}

export function formatReport(report: RehearsalReport): string {
    const width = Math.max(...report.checks.map((c) => c.id.length), 10);
    const lines = [
        `webstack rehearsal — stack ${report.stack}`,
        ...(report.os ? [`os: ${report.os}`] : []),
        ...(report.overrides.length ? ["overrides:", ...report.overrides.map((o) => `  - ${o}`)] : ["overrides: none"]),
        ...(report.notes.length ? ["notes:", ...report.notes.map((n) => `  - ${n}`)] : []),
        "timings (s):",
        ...Object.entries(report.timings).map(([k, v]) => `  ${v.toFixed(1).padStart(6)}  ${k}`),
        ...(report.cloudInitSeconds
            ? [
                  `cloud-init (s): ${Object.entries(report.cloudInitSeconds)
                      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
                      .join("; ")}`,
              ]
            : []),
        "",
        ...report.checks.map((c) => `${c.status.padEnd(4)}  ${c.id.padEnd(width)}  ${c.detail}`),
        "",
        ...(report.bench
            ? [
                  "benchmark (wrk):",
                  ...report.bench.map(
                      (b) =>
                          `  ${b.scenario.padEnd(34)} hop ${b.backendHop.padEnd(9)} ${b.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${b.p50Ms.toFixed(2)} ms  p99 ${b.p99Ms.toFixed(2)} ms  errors ${b.errors}`,
                  ),
              ]
            : []),
        report.error ? `ERROR: ${report.error}` : "",
        report.teardownProblems.length
            ? `TEARDOWN PROBLEMS:\n${report.teardownProblems.map((p) => `  - ${p}`).join("\n")}`
            : `teardown: clean${
                  report.containersStopped && Object.keys(report.containersStopped).length
                      ? ` (containers: ${Object.entries(report.containersStopped)
                            .map(([k, v]) => `${k} ${v}`)
                            .join(", ")})`
                      : ""
              }`,
        `summary: ${report.checks.filter((c) => c.status === "PASS").length} pass, ${report.checks.filter((c) => c.status === "FAIL").length} fail, ${report.checks.filter((c) => c.status === "N/A").length} n/a`,
    ];
    return lines.filter((l, i) => l !== "" || lines[i - 1] !== "").join("\n");
}
