import * as fs from "fs";
import { runChecks } from "./checks";
import { runFaults } from "./faults";
import { runDrill } from "./drill";
import { measure } from "./bench";
import { choiceOption, integerOption, parseCommandLine, UsageError } from "../cli/commandLine";
import { OverrideError, parseOverride } from "../config/overrides";
import { ConfigError } from "../config/validateConfig";
import { planRehearsal, rehearsalConfig, RehearsalOptions } from "./plan";
import { formatReport, RehearsalReport, reportFailed } from "./report";
import { missingPrerequisites } from "./prerequisites";
import { acquireLock, BootedStack, bootStack, newTeardownState, releaseLock, teardown } from "./stack";
import { sleep } from "./exec";
import { RegistryUnreachable } from "./aptProxy";
import { osPrettyName } from "./bootChecks";

const USAGE = `usage: npm run rehearse -- --stack <dev|prod> [--set KEY=VALUE]... [--no-checks] [--no-faults] [--drill day2] [--bench] [--json <file>] [--hold <seconds>]

  --set KEY=VALUE   override one config value of the stack file (repeatable), as the offline plan
                    does: KEY as Pulumi.<stack>.yaml names it, optionally a dotted path into its
                    object; VALUE is JSON if it parses as JSON, else a string. e.g.
                    --set webstack:backendHop=tls --set webstack:database.placement=dedicated
                    (database placement rds is not booted here, so it cannot be set)
  --hold SECONDS    keep the booted stack up this long before teardown (0-600)

exit status: 0 every check passed, 1 a check failed, 2 bad usage, invalid config or a machine that cannot boot it`;

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

/** The stack file with the overrides is invalid or refused: reported as the plan reports it, without the usage text. */
export class StackConfigError extends UsageError {}

/**
 * The rehearsal's command line. The overrides are applied to the stack file and validated here,
 * before anything boots, so a bad key, a bad value or a refused one is a usage error.
 * Throws UsageError: an empty message for --help, a StackConfigError for a config the program
 * or the rehearsal refuses.
 */
export function parseRehearsalArgs(argv: string[]): CliOptions {
    const values = parseCommandLine(argv, {
        stack: { type: "string" },
        set: { type: "string", multiple: true },
        "no-checks": { type: "boolean" },
        "no-faults": { type: "boolean" },
        drill: { type: "string" },
        bench: { type: "boolean" },
        json: { type: "string" },
        hold: { type: "string" },
        help: { type: "boolean" },
    });
    if (values.help) throw new UsageError("");
    if (!values.stack) throw new UsageError("--stack is required");
    const options: CliOptions = {
        stack: values.stack,
        overrides: [],
        checks: !values["no-checks"],
        faults: !values["no-faults"],
        bench: values.bench ?? false,
        drill: choiceOption("drill", values.drill, ["day2"] as const),
        json: values.json,
        holdSeconds: integerOption("hold", values.hold, 0, 0, 600) || undefined,
    };
    try {
        options.overrides = (values.set ?? []).map(parseOverride);
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    try {
        rehearsalConfig(options);
    } catch (error) {
        if (error instanceof ConfigError || error instanceof OverrideError || /unknown stack/.test((error as Error).message)) {
            throw new StackConfigError(`stack ${options.stack}: ${(error as Error).message}`);
        }
        throw error;
    }
    return options;
}

/** Boots the stack, runs the checks and faults, tears everything down, prints the report. */
export async function rehearse(options: CliOptions, log: (line: string) => void): Promise<RehearsalReport> {
    const report: RehearsalReport = { stack: options.stack, overrides: [], notes: [], timings: {}, checks: [], teardownProblems: [] };
    const state = newTeardownState();
    let tearingDown: Promise<string[]> | undefined;
    // Teardown removes every rehearsal namespace, mount and run directory on the machine: only
    // the run holding the lock may do it, or a second run refused the lock would tear down the first.
    let locked = false;
    const cleanUp = () => (tearingDown ??= locked ? timed(report, "teardown", () => teardown(state)).finally(releaseLock) : Promise.resolve([]));
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
        locked = true;
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
        options = parseRehearsalArgs(process.argv.slice(2));
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof UsageError && !message) {
            console.error(USAGE); // --help
            process.exit(0);
        }
        if (!(error instanceof UsageError)) throw error;
        console.error(error instanceof StackConfigError ? `rehearsal: ${message}` : `rehearsal: ${message}\n\n${USAGE}`);
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
