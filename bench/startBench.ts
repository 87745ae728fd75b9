// Start benchmark (issue 11, "a fast start"): does `pulumi preview` evaluate the program within 1.3x
// the time a fresh node needs just to load the SDKs?
//
//   npm run bench:start -- [--rounds 7] [--stack dev]      (builds bin/ first)
//
// Each round runs, in fresh plain-node child processes and interleaved so machine load hits all alike
// (bin/main.js turns on Node's compile cache: "program" reuses one warmed cache, "first preview" an empty one):
//   sdk      require the 5 SDKs and touch the namespaces the program uses (aws.ec2, ...).
//   program  what Pulumi's nodejs language host does for this project, then the program under the
//            plan's mocks: require("source-map-support/register") (node_modules/@pulumi/pulumi/cmd/run/
//            index.js does so for every program), no ts-node (Pulumi.yaml typescript: false), require
//            bin/main.js (Pulumi.yaml main) inside runInPulumiStack, and await every stack output.
//   with source maps   the same with WEBSTACK_SOURCE_MAPS=1: the host's source-map-support left on.
//   from sources       the old start: ts-node registered as the host does with typescript: true
//            (transpile-only, tsconfig.json, module nodenext, sourceMap), then index.ts.
// Times are milliseconds from the child's first line to done (node's own ~30 ms boot excluded for all),
// wall clock and, more robust on a loaded machine, CPU (user+sys). The ratio is each round's program
// time over the same round's sdk time; the verdict uses the median wall ratio.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadStackConfig } from "../plan/stackConfig";
import { choiceOption, integerOption, parseCommandLine, parseOrExit, UsageError } from "../cli/commandLine";
import { median } from "./benchArgs";

const USAGE = "usage: npm run bench:start -- [--rounds N] [--stack dev|prod]";

/** --rounds: interleaved rounds (medians); --stack: the committed stack whose program is evaluated. */
export function parseStartBenchArgs(argv: string[]): { rounds: number; stack: string } {
    const values = parseCommandLine(argv, { rounds: { type: "string" }, stack: { type: "string" }, help: { type: "boolean" } });
    if (values.help) throw new UsageError("");
    return { rounds: integerOption("rounds", values.rounds, 7, 1), stack: choiceOption("stack", values.stack, ["dev", "prod"] as const) ?? "dev" };
}

const ROOT = path.resolve(__dirname, "..");
const TARGET = 1.3;
const MARK = "START_BENCH ";

const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/datadog", "@pulumi/tls", "@pulumi/random"];
const NAMESPACES: Record<string, string[]> = { "@pulumi/aws": ["ec2", "iam", "rds", "route53", "ssm", "vpc"], "@pulumi/datadog": ["Monitor", "Dashboard"] };

/** The child's clock: both children print wall and CPU ms since their first line. */
const CLOCK = `
const startWall = process.hrtime.bigint(); const startCpu = process.cpuUsage();
const done = (extra) => { const cpu = process.cpuUsage(startCpu);
  process.stdout.write("\\n${MARK}" + JSON.stringify({ wall: Number(process.hrtime.bigint() - startWall) / 1e6, cpu: (cpu.user + cpu.system) / 1000, ...extra }) + "\\n"); };
`;

const SDK_SCRIPT = `${CLOCK}
const mods = ${JSON.stringify(SDKS)}.map((m) => [m, require(m)]);
for (const [m, mod] of mods) for (const n of (${JSON.stringify(NAMESPACES)})[m] || []) void mod[n];
done({});
`;

function programScript(loader: "build" | "sources", stack: string): string {
    const raw = loadStackConfig(stack);
    const tsNode = `require("ts-node").register({ compiler: "typescript", transpileOnly: true, project: "tsconfig.json", skipProject: false,
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true" } });`;
    return `${CLOCK}
require("source-map-support/register");
${loader === "sources" ? tsNode : ""}
const pulumi = require("@pulumi/pulumi");
const { webstackMocks } = require(${JSON.stringify(loader === "build" ? "./bin/plan/mocks.js" : "./plan/mocks.ts")});
(async () => {
  pulumi.runtime.setAllConfig(${JSON.stringify(raw.config)}, ${JSON.stringify(raw.secretKeys)});
  await pulumi.runtime.setMocks(webstackMocks(${JSON.stringify(raw.config["aws:region"] ?? "us-east-1")}), "webstack", ${JSON.stringify(stack)}, false);
  let program;
  await pulumi.runtime.runInPulumiStack(async () => (program = require(${JSON.stringify(loader === "build" ? "./bin/main.js" : "./index.ts")})));
  for (const value of Object.values(program)) if (pulumi.Output.isInstance(value)) await value.promise();
  done({});
})().catch((e) => { console.error(e); process.exit(1); });
`;
}

interface Sample {
    wall: number;
    cpu: number;
}

function run(script: string, env: Record<string, string> = {}): Sample {
    // Node's compile cache only where a measurement names one: the SDK load is always compiled from scratch.
    const childEnv: Record<string, string | undefined> = { ...process.env, NODE_COMPILE_CACHE: undefined, ...env };
    const child = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", env: childEnv, maxBuffer: 64 * 1024 * 1024 });
    const line = (child.stdout ?? "").split("\n").find((l) => l.startsWith(MARK));
    if (child.status !== 0 || !line) {
        throw new Error(`child failed (exit ${child.status}):\n${child.stderr}`);
    }
    return JSON.parse(line.slice(MARK.length)) as Sample;
}

function main(): void {
    const { rounds, stack } = parseOrExit("bench:start", USAGE, () => parseStartBenchArgs(process.argv.slice(2)));
    // bin/main.js turns Node's compile cache on (main.ts). "program" is a preview after the first one on
    // this checkout, its cache warmed by one unmeasured run; "first preview" starts from an empty cache.
    const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), "start-bench-"));
    const warmCache = path.join(cacheRoot, "warm");
    let coldCaches = 0;
    const kinds = {
        sdk: () => run(SDK_SCRIPT),
        program: () => run(programScript("build", stack), { NODE_COMPILE_CACHE: warmCache }),
        "program, first preview (cold cache)": () => run(programScript("build", stack), { NODE_COMPILE_CACHE: path.join(cacheRoot, `cold-${coldCaches++}`) }),
        "program, source maps on": () => run(programScript("build", stack), { WEBSTACK_SOURCE_MAPS: "1", NODE_COMPILE_CACHE: warmCache }),
        "program from sources (ts-node)": () => run(programScript("sources", stack)),
    };
    try {
        run(programScript("build", stack), { NODE_COMPILE_CACHE: warmCache });
        measureRounds(kinds, rounds, stack);
    } finally {
        fs.rmSync(cacheRoot, { recursive: true, force: true });
    }
}

function measureRounds(kinds: Record<string, () => Sample>, rounds: number, stack: string): void {
    const samples = new Map<string, Sample[]>(Object.keys(kinds).map((k) => [k, []]));
    const loads: number[] = [];
    for (let round = 0; round < rounds; round++) {
        loads.push(os.loadavg()[0]);
        for (const [kind, measure] of Object.entries(kinds)) {
            samples.get(kind)!.push(measure());
        }
        process.stderr.write(`round ${round + 1}/${rounds}\r`);
    }
    const sdk = samples.get("sdk")!;
    console.log(
        `node ${process.version}, ${os.cpus().length} cores, stack ${stack}, ${rounds} interleaved rounds; 1-min load average during the rounds: ${median(loads).toFixed(1)} median (${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)})\n`,
    );
    console.log(`${"measurement".padEnd(32)}  ${"wall ms".padStart(8)}  ${"cpu ms".padStart(8)}  ${"ratio (wall)".padStart(12)}  ${"ratio (cpu)".padStart(11)}`);
    let verdictRatio = 0;
    for (const [kind, values] of samples) {
        const wallRatio = median(values.map((v, i) => v.wall / sdk[i].wall));
        const cpuRatio = median(values.map((v, i) => v.cpu / sdk[i].cpu));
        if (kind === "program") {
            verdictRatio = wallRatio;
        }
        console.log(
            `${kind.padEnd(32)}  ${median(values.map((v) => v.wall))
                .toFixed(0)
                .padStart(8)}  ${median(values.map((v) => v.cpu))
                .toFixed(0)
                .padStart(8)}  ${wallRatio.toFixed(2).padStart(12)}  ${cpuRatio.toFixed(2).padStart(11)}`,
        );
    }
    console.log(`\nprogram evaluation / SDK load = ${verdictRatio.toFixed(2)} (median over rounds, wall): ${verdictRatio <= TARGET ? "PASS" : "FAIL"} against ${TARGET}`);
}

if (require.main === module) main();
