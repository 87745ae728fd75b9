import * as fs from "fs";
import { runChecks } from "./checks";
import { runFaults } from "./faults";
import { runDrill } from "./drill";
import { measure } from "./bench";
import { BackendHopOverride, PlacementOverride, planRehearsal, RehearsalOptions } from "./plan";
import { formatReport, RehearsalReport, reportFailed } from "./report";
import { missingPrerequisites } from "./prerequisites";
import { acquireLock, BootedStack, bootStack, newTeardownState, releaseLock, teardown } from "./stack";
import { sleep } from "./exec";
import { RegistryUnreachable } from "./aptProxy";
import { osPrettyName } from "./bootChecks";

const USAGE = `usage: npm run rehearse -- --stack <dev|prod> [--backend-hop tls|plaintext] [--placement colocated|dedicated] [--no-checks] [--no-faults] [--drill day2] [--bench] [--json <file>] [--hold <seconds>]`;

interface CliOptions extends RehearsalOptions {
    faults: boolean;
    checks: boolean;
    /** Run the wrk benchmark after the checks (before the faults). */
    bench: boolean;
    /** Run a drill after the checks (before the faults): day2 delivers routine changes to the running stack. */
    drill?: "day2";
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
        else if (arg === "--drill") {
            const v = value();
            if (v !== "day2") throw new Error(`--drill must be day2, not "${v}"`);
            options.drill = v;
        }
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
    const state = newTeardownState();
    let tearingDown: Promise<string[]> | undefined;
    const cleanUp = () => (tearingDown ??= timed(report, "teardown", () => teardown(state)).finally(releaseLock));
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
        const plan = await timed(report, "plan (the program under mocks)", () => planRehearsal(options));
        report.overrides = plan.overrides;
        acquireLock();
        await teardown(newTeardownState()); // a crashed earlier run's containers and namespaces, if any
        const stack = await bootStack(plan, state, log);
        Object.assign(report.timings, stack.timings);
        report.os = osPrettyName(stack);
        report.cloudInitSeconds = stack.cloudInitSeconds;
        report.notes.push(...stackNotes(stack));
        if (options.checks) report.checks.push(...(await timed(report, "checks", () => runChecks(stack, log))));
        if (options.bench) {
            log("bench: wrk…");
            report.bench = await timed(report, "bench", () => measure(stack));
        }
        if (options.drill) report.checks.push(...(await timed(report, "drill", () => runDrill(stack, state, log))));
        if (options.faults) report.checks.push(...(await timed(report, "faults", () => runFaults(stack, log))));
        if (options.holdSeconds) {
            log(`holding the stack up for ${options.holdSeconds} s (run dir ${stack.runDir}); Ctrl-C tears it down`);
            await sleep(options.holdSeconds * 1000);
        }
    } catch (error) {
        report.error = error instanceof Error ? error.message : String(error);
        if (error instanceof RegistryUnreachable) report.badEnvironment = [error.message];
    } finally {
        report.teardownProblems = await cleanUp();
        report.containersStopped = state.stopped;
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
    }
    return report;
}

async function timed<T>(report: RehearsalReport, name: string, body: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
        return await body();
    } finally {
        report.timings[name] = (Date.now() - started) / 1000;
    }
}

function stackNotes(stack: BootedStack): string[] {
    const { plan } = stack;
    const notes = [
        `backend hop: ${plan.config.backendHop}; database placement: ${plan.config.database.placement}; app servers: ${plan.config.appServerCount}`,
        `booted: ${Object.keys(stack.roots).length} systemd-nspawn containers from the program's user data through cloud-init (NoCloud); Debian packages through apt-cacher-ng; SSM through a local endpoint (AWS_ENDPOINT_URL) with each server's own credentials`,
        `Datadog agent: the installer stand-in answered ${stack.datadog.requests.length} request(s) and installed nothing; the agent does not run`,
    ];
    const notRehearsed = ["AWS networking itself (VPC routing, security groups beyond the nftables mirror, EIP, Route 53)", "the Datadog service"];
    if (plan.config.database.placement === "rds") {
        notRehearsed.splice(
            1,
            0,
            `Amazon RDS (the app servers are rendered against stand-in endpoints and fetch the RDS CA bundle from the HTTPS stand-in; database checks are N/A; ${plan.topology.appServers[0].key}'s app-user creation cannot succeed and retries for minutes: its boot command fails, cloud-init reports error, and boot.cloud-init names that one step as not verified)`,
        );
    }
    notes.push(`not rehearsed: ${notRehearsed.join("; ")}`);
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
    // A machine that cannot boot the rehearsal: one line per missing piece, exit 2, nothing touched.
    const missing = missingPrerequisites();
    if (missing.length) {
        for (const line of missing) console.error(`rehearsal: ${line}`);
        if (options.json) fs.writeFileSync(options.json, JSON.stringify({ stack: options.stack, badEnvironment: missing }, null, 2));
        process.exit(2);
    }
    const report = await rehearse(options, (line) => console.error(line));
    if (report.badEnvironment) {
        for (const line of report.badEnvironment) console.error(`rehearsal: ${line}`);
        if (options.json) fs.writeFileSync(options.json, JSON.stringify(report, null, 2));
        process.exit(2);
    }
    console.log(formatReport(report));
    if (options.json) fs.writeFileSync(options.json, JSON.stringify(report, null, 2));
    process.exit(reportFailed(report) ? 1 : 0);
}

if (require.main === module) {
    void main();
}
