// Program evaluation benchmark: how long index.ts takes to run under the offline plan's mocks
// (plan/runProgram.ts) for each stack, beside the time a fresh `node` needs just to require the
// SDKs the program uses. Every figure comes from a separate child process so that module caches
// and the JIT of one measurement never help another.
//
//   npx ts-node -T bench/programBench.ts [--repeat 3] [--warm 4] [--stacks dev,prod]
//
// What is measured (all wall-clock, milliseconds; RSS is the child's own peak, from
// process.resourceUsage().maxRSS at exit, which covers the whole life of the child):
//   - "bare require": `node -e "require(sdk)"` in a fresh process, time of the require call only.
//     @pulumi/aws and @pulumi/datadog load their submodules lazily, so a second row also touches
//     the namespaces the program uses (aws.ec2, aws.iam, ...), which is the cost the program pays.
//   - "program": a fresh node with ts-node (transpile-only) loads plan/runProgram (which requires
//     @pulumi/pulumi), then calls runProgram(stack) once (cold: first require of the program and the
//     SDKs it pulls in, first transpile of every program module) and then --warm more times
//     sequentially in the same process (warm: SDKs cached; the program's own modules are cleared
//     and re-transpiled each run because runProgram re-requires them to re-read config).
//     Each runProgram call includes a fixed 50 ms settle wait (setTimeout in runProgram).
// Figures are the median over --repeat child processes (warm: median over all warm runs).
import { spawnSync } from "child_process";
import * as path from "path";
import { integerOption, parseCommandLine, parseOrExit, UsageError } from "../cli/commandLine";
import { nowMs, median } from "./benchArgs";

const USAGE = "usage: npx ts-node -T bench/programBench.ts [--repeat N] [--warm N] [--stacks dev,prod]";

interface ProgramBenchOptions {
    repeat: number;
    warm: number;
    stacks: string[];
    /** Set in the child processes this script starts: run the program for one stack and report. */
    child?: { stack: string };
}

export function parseProgramBenchArgs(argv: string[]): ProgramBenchOptions {
    const values = parseCommandLine(argv, {
        repeat: { type: "string" },
        warm: { type: "string" },
        stacks: { type: "string" },
        // Internal: how the script runs its own children.
        child: { type: "boolean" },
        stack: { type: "string" },
        help: { type: "boolean" },
    });
    if (values.help) throw new UsageError("");
    const stacks = (values.stacks ?? "dev,prod").split(",");
    if (stacks.some((stack) => stack === "")) {
        throw new UsageError(`--stacks must be stack names separated by commas, such as dev,prod, not "${values.stacks}"`);
    }
    return {
        repeat: integerOption("repeat", values.repeat, 3, 1),
        warm: integerOption("warm", values.warm, 4, 0),
        stacks,
        child: values.child ? { stack: values.stack ?? "dev" } : undefined,
    };
}

const ROOT = path.resolve(__dirname, "..");
const RESULT_MARKER = "BENCH_RESULT ";

/** The SDKs index.ts and components/ import. */
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/datadog", "@pulumi/tls", "@pulumi/random"];
/** The provider namespaces the program touches (lazy-loaded submodules). */
const SDK_NAMESPACES: Record<string, string[]> = {
    "@pulumi/aws": ["ec2", "iam", "rds", "route53", "ssm", "vpc"],
    "@pulumi/datadog": ["Monitor", "Dashboard"],
};

interface ChildResult {
    /** Named timings in ms. */
    times: Record<string, number[]>;
    maxRssKb: number;
    resources?: number;
}

function report(result: ChildResult): void {
    process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/** Runs a child and returns its result line plus the wall time the parent saw (spawn to exit). */
function runChild(args: string[]): ChildResult & { wallMs: number } {
    const start = nowMs();
    const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const wallMs = nowMs() - start;
    const line = (child.stdout ?? "").split("\n").find((l) => l.startsWith(RESULT_MARKER));
    if (child.status !== 0 || !line) {
        throw new Error(`child ${args.join(" ")} failed (exit ${child.status}):\n${child.stderr}\n${child.stdout}`);
    }
    return { ...(JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult), wallMs };
}

/** Plain JS for `node -e`: requires the given modules (and touches namespaces) and reports. */
function requireScript(modules: string[], touch: boolean): string {
    return `
const t0 = process.hrtime.bigint();
const mods = ${JSON.stringify(modules)}.map((m) => [m, require(m)]);
const t1 = process.hrtime.bigint();
if (${touch}) {
  const ns = ${JSON.stringify(SDK_NAMESPACES)};
  for (const [m, mod] of mods) for (const n of ns[m] || []) void mod[n];
}
const t2 = process.hrtime.bigint();
process.stdout.write("\\n${RESULT_MARKER}" + JSON.stringify({
  times: { require: [Number(t1 - t0) / 1e6], touch: [Number(t2 - t1) / 1e6] },
  maxRssKb: process.resourceUsage().maxRSS,
}) + "\\n");
`;
}

/** Child mode: load runProgram, run the program once cold and `warm` times more. */
async function programChild(stack: string, warm: number): Promise<void> {
    const t0 = nowMs();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runProgram } = require("../plan/runProgram") as typeof import("../plan/runProgram");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadStackConfig } = require("../plan/stackConfig") as typeof import("../plan/stackConfig");
    const loadMs = nowMs() - t0;
    const raw = loadStackConfig(stack);
    const runs: number[] = [];
    let resources = 0;
    for (let i = 0; i <= warm; i++) {
        const start = nowMs();
        const run = await runProgram(stack, raw.config, raw.secretKeys);
        runs.push(nowMs() - start);
        resources = run.resources.length;
    }
    report({
        times: { load: [loadMs], cold: [runs[0]], warm: runs.slice(1) },
        maxRssKb: process.resourceUsage().maxRSS,
        resources,
    });
}

interface Row {
    what: string;
    ms: string;
    rssMb: string;
    note: string;
}

function fmt(ms: number): string {
    return ms.toFixed(0);
}

function fmtRange(values: number[]): string {
    return values.length > 1 ? `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})` : fmt(values[0]);
}

function mb(kb: number[]): string {
    return (median(kb) / 1024).toFixed(0);
}

function printTable(rows: Row[]): void {
    const headers: Row = { what: "measurement", ms: "ms median (min–max)", rssMb: "peak RSS MB", note: "note" };
    const all = [headers, ...rows];
    const width = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
    const line = (r: Row) => `${r.what.padEnd(width("what"))}  ${r.ms.padStart(width("ms"))}  ${r.rssMb.padStart(width("rssMb"))}  ${r.note}`;
    console.log(line(headers));
    console.log("-".repeat(line(headers).length));
    for (const r of rows) {
        console.log(line(r));
    }
}

async function main(): Promise<void> {
    const { repeat, warm, stacks, child } = parseOrExit("programBench", USAGE, () => parseProgramBenchArgs(process.argv.slice(2)));
    if (child) {
        await programChild(child.stack, warm);
        return;
    }
    const rows: Row[] = [];
    const collect = (args: string[]) => Array.from({ length: repeat }, () => runChild(args));

    const baseline = collect(["-e", `process.stdout.write("\\n${RESULT_MARKER}" + JSON.stringify({ times: {}, maxRssKb: process.resourceUsage().maxRSS }) + "\\n")`]);
    rows.push({ what: "node -e '' (process baseline)", ms: fmtRange(baseline.map((r) => r.wallMs)), rssMb: mb(baseline.map((r) => r.maxRssKb)), note: "spawn-to-exit wall" });

    for (const sdk of SDKS) {
        const results = collect(["-e", requireScript([sdk], false)]);
        rows.push({ what: `require ${sdk}`, ms: fmtRange(results.map((r) => r.times.require[0])), rssMb: mb(results.map((r) => r.maxRssKb)), note: "fresh node, require() call only" });
    }
    const allBare = collect(["-e", requireScript(SDKS, false)]);
    rows.push({ what: "require all 5 SDKs", ms: fmtRange(allBare.map((r) => r.times.require[0])), rssMb: mb(allBare.map((r) => r.maxRssKb)), note: "fresh node, require() calls only" });
    const allTouched = collect(["-e", requireScript(SDKS, true)]);
    rows.push({
        what: "require all 5 + touch namespaces",
        ms: fmtRange(allTouched.map((r) => r.times.require[0] + r.times.touch[0])),
        rssMb: mb(allTouched.map((r) => r.maxRssKb)),
        note: `+ lazy submodules: ${Object.entries(SDK_NAMESPACES)
            .map(([m, ns]) => `${m.split("/")[1]}.{${ns.join(",")}}`)
            .join(" ")}`,
    });

    for (const stack of stacks) {
        const results = collect(["-r", "ts-node/register/transpile-only", __filename, "--child", "--stack", stack, "--warm", String(warm)]);
        const rss = mb(results.map((r) => r.maxRssKb));
        rows.push({ what: `program ${stack}: child process total`, ms: fmtRange(results.map((r) => r.wallMs)), rssMb: rss, note: `spawn-to-exit: node + ts-node + load + 1 cold + ${warm} warm runs` });
        rows.push({ what: `program ${stack}: load plan/runProgram`, ms: fmtRange(results.map((r) => r.times.load[0])), rssMb: "", note: "ts-node transpile of plan/ + require @pulumi/pulumi" });
        rows.push({ what: `program ${stack}: cold runProgram`, ms: fmtRange(results.map((r) => r.times.cold[0])), rssMb: "", note: `first run in the process; ${results[0].resources} resources` });
        rows.push({
            what: `program ${stack}: warm runProgram`,
            ms: fmtRange(results.flatMap((r) => r.times.warm)),
            rssMb: "",
            note: `${warm} sequential runs × ${repeat} processes; program modules re-transpiled`,
        });
    }

    console.log(`node ${process.version}, ${repeat} fresh process(es) per row; each runProgram includes its fixed 50 ms settle wait.\n`);
    printTable(rows);
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
