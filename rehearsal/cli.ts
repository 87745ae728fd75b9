import * as fs from "fs";
import { runChecks } from "./checks";
import { runFaults } from "./faults";
import { measure } from "./bench";
import { BackendHopOverride, PlacementOverride, planRehearsal, RehearsalOptions } from "./plan";
import { formatReport, RehearsalReport, reportFailed } from "./report";
import { missingPrerequisites } from "./prerequisites";
import { acquireLock, bootStack, releaseLock, teardown, TeardownState } from "./stack";
import { Daemons } from "./daemons";
import { sleep } from "./exec";

const USAGE = `usage: npm run rehearse -- --stack <dev|prod> [--backend-hop tls|plaintext] [--placement colocated|dedicated] [--no-checks] [--no-faults] [--bench] [--json <file>] [--hold <seconds>]`;

interface CliOptions extends RehearsalOptions {
    faults: boolean;
    checks: boolean;
    /** Run the wrk benchmark after the checks (before the faults). */
    bench: boolean;
    json?: string;
    /** Keep the booted stack up this many seconds before teardown (debugging; at most 600). */
    holdSeconds?: number;
}

function parseArgs(argv: string[]): CliOptions {
    const options: CliOptions = { stack: "", faults: true, checks: true, bench: false };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
            return v;
        };
        if (arg === "--stack") options.stack = value();
        else if (arg === "--backend-hop") {
            const v = value();
            if (v !== "tls" && v !== "plaintext") throw new Error(`--backend-hop must be tls or plaintext, not "${v}"`);
            options.backendHop = v as BackendHopOverride;
        } else if (arg === "--placement") {
            const v = value();
            if (v !== "colocated" && v !== "dedicated") throw new Error(`--placement must be colocated or dedicated, not "${v}" (rds is not booted here)`);
            options.placement = v as PlacementOverride;
        } else if (arg === "--no-faults") options.faults = false;
        else if (arg === "--no-checks") options.checks = false;
        else if (arg === "--bench") options.bench = true;
        else if (arg === "--json") options.json = value();
        else if (arg === "--hold") options.holdSeconds = Math.min(600, Math.max(0, Number(value()) || 0));
        else throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
    if (!options.stack) throw new Error(`--stack is required\n${USAGE}`);
    return options;
}

/** Boots the stack, runs the checks and faults, tears everything down, prints the report. */
export async function rehearse(options: CliOptions, log: (line: string) => void): Promise<RehearsalReport> {
    const report: RehearsalReport = { stack: options.stack, overrides: [], notes: [], timings: {}, checks: [], teardownProblems: [] };
    const state: TeardownState = { daemons: new Daemons() };
    let tearingDown: Promise<string[]> | undefined;
    const cleanUp = () => (tearingDown ??= teardown(state).finally(releaseLock));
    const onSignal = (signal: NodeJS.Signals) => {
        log(`${signal}: tearing down…`);
        void cleanUp().then((problems) => {
            for (const p of problems) log(`teardown problem: ${p}`);
            process.exit(130);
        });
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        // The program runs under Pulumi mocks first, once, before anything is booted.
        const plan = await planRehearsal(options);
        report.overrides = plan.overrides;
        const missing = await missingPrerequisites();
        if (missing.length) throw new Error(`cannot boot the rehearsal here:\n${missing.map((m) => `  - ${m}`).join("\n")}`);
        acquireLock();
        await teardown({ daemons: new Daemons() }); // a crashed earlier run's namespaces, if any
        const stack = await bootStack(plan, state, log);
        report.timings = stack.timings;
        report.notes.push(...stackNotes(stack.plan));
        if (options.checks) report.checks.push(...(await runChecks(stack, log)));
        if (options.bench) {
            log("bench: wrk…");
            report.bench = await measure(stack);
        }
        if (options.faults) report.checks.push(...(await runFaults(stack, log)));
        if (options.holdSeconds) {
            log(`holding the stack up for ${options.holdSeconds} s (run dir ${stack.runDir}); Ctrl-C tears it down`);
            await sleep(options.holdSeconds * 1000);
        }
    } catch (error) {
        report.error = error instanceof Error ? error.message : String(error);
    } finally {
        report.teardownProblems = await cleanUp();
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
    }
    return report;
}

function stackNotes(plan: Awaited<ReturnType<typeof planRehearsal>>): string[] {
    const notes = [
        `backend hop: ${plan.config.backendHop}; database placement: ${plan.config.database.placement}; app servers: ${plan.config.appServerCount}`,
        "not rehearsed: AWS APIs (security groups are mirrored as nftables forward rules in a router namespace), SSM (secrets written in place), Datadog agent and service, cloud-init/systemd",
    ];
    if (plan.config.database.placement === "rds") {
        notes.push("database placement rds: Amazon RDS is not booted here; the app's database checks are not applicable");
    }
    return notes;
}

async function main(): Promise<void> {
    let options: CliOptions;
    try {
        options = parseArgs(process.argv.slice(2));
    } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exit(2);
    }
    const report = await rehearse(options, (line) => console.error(line));
    console.log(formatReport(report));
    if (options.json) fs.writeFileSync(options.json, JSON.stringify(report, null, 2));
    process.exit(reportFailed(report) ? 1 : 0);
}

if (require.main === module) {
    void main();
}
