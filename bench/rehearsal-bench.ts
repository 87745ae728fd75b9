import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseCommandLine, parseOrExit, UsageError } from "../cli/commandLine";
import { BENCH, BenchRow } from "../rehearsal/bench";
import { RehearsalReport } from "../rehearsal/report";

/**
 * Boots the dev stack twice, once per backend hop, and runs wrk in each (rehearsal/bench.ts):
 * straight to one nginx, and through the LB. Prints one table with ratios to the direct
 * plaintext nginx. Each boot is its own process (the program's Pulumi mocks run once per process).
 *   npm run bench:rehearsal [-- --stack dev]
 */
const PROJECT_DIR = path.resolve(__dirname, "..");
const USAGE = "usage: npm run bench:rehearsal [-- --stack dev]";

export function parseRehearsalBenchArgs(argv: string[]): { stack: string } {
    const values = parseCommandLine(argv, { stack: { type: "string" }, help: { type: "boolean" } });
    if (values.help) throw new UsageError("");
    if (values.stack === "") throw new UsageError("--stack needs a stack name, such as dev");
    return { stack: values.stack ?? "dev" };
}

function rehearseWithBench(stack: string, hop: string): Promise<RehearsalReport> {
    const jsonFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rehearsal-bench-")), "report.json");
    return new Promise((resolve, reject) => {
        const args = [
            "-r",
            "ts-node/register/transpile-only",
            "rehearsal/cli.ts",
            "--stack",
            stack,
            "--set",
            `webstack:backendHop=${hop}`,
            "--no-checks",
            "--no-faults",
            "--bench",
            "--json",
            jsonFile,
        ];
        const child = spawn(process.execPath, args, { cwd: PROJECT_DIR, stdio: ["ignore", "ignore", "inherit"] });
        // A cold cache (debootstrap + every package) takes minutes before wrk runs.
        const timer = setTimeout(() => child.kill("SIGTERM"), 20 * 60 * 1000);
        child.on("close", (code) => {
            clearTimeout(timer);
            if (!fs.existsSync(jsonFile)) return reject(new Error(`rehearsal (${hop}) wrote no report, exit ${code}`));
            const report = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as RehearsalReport;
            fs.rmSync(path.dirname(jsonFile), { recursive: true, force: true });
            if (report.error || !report.bench) return reject(new Error(`rehearsal (${hop}) failed: ${report.error ?? "no benchmark"}`));
            resolve(report);
        });
    });
}

export function formatTable(rows: BenchRow[]): string {
    const base = rows.find((r) => r.backendHop === "plaintext" && r.scenario.includes("direct")) ?? rows[0];
    const header = `| scenario | backend hop | req/s | p50 ms | p99 ms | errors | req/s vs direct plaintext nginx | p99 vs direct plaintext |`;
    const lines = rows.map(
        (r) =>
            `| ${r.scenario} | ${r.backendHop} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.errors} | ${(r.requestsPerSecond / base.requestsPerSecond).toFixed(2)} | ${(r.p99Ms / base.p99Ms).toFixed(2)} |`,
    );
    return [header, "|---|---|---|---|---|---|---|---|", ...lines].join("\n");
}

async function main(): Promise<void> {
    const { stack } = parseOrExit("bench:rehearsal", USAGE, () => parseRehearsalBenchArgs(process.argv.slice(2)));
    const rows: BenchRow[] = [];
    for (const hop of ["plaintext", "tls"]) {
        rows.push(...(await rehearseWithBench(stack, hop)).bench!);
    }
    console.log(`wrk -t${BENCH.threads} -c${BENCH.connections} -d${BENCH.seconds}s, stack ${stack}, ${os.cpus().length} CPUs shared by wrk and every daemon`);
    console.log(formatTable(rows));
    const lbPlain = rows.find((r) => r.backendHop === "plaintext" && !r.scenario.includes("direct"));
    const lbTls = rows.find((r) => r.backendHop === "tls" && !r.scenario.includes("direct"));
    if (lbPlain && lbTls) {
        console.log(
            `re-encryption (tls hop vs plaintext hop, through the LB): ${(lbTls.requestsPerSecond / lbPlain.requestsPerSecond).toFixed(2)}x req/s, ${(lbTls.p99Ms / lbPlain.p99Ms).toFixed(2)}x p99`,
        );
    }
}

if (require.main === module) {
    main().catch((error) => {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(1);
    });
}
