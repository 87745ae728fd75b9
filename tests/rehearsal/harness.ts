import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { missingPrerequisites } from "../../rehearsal/prerequisites";
import { RehearsalReport } from "../../rehearsal/report";

const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export interface RehearsalRun {
    report: RehearsalReport;
    exitCode: number | null;
    /** The printed report, for assertion messages. */
    output: string;
}

/**
 * Decides whether the rehearsal can run here. With WEBSTACK_SKIP_REHEARSAL=1 the suite is
 * skipped (reported as pending, never as passed); without root or the Debian binaries it
 * fails, naming what is missing.
 */
export async function requireRehearsal(context: Mocha.Context): Promise<void> {
    if (process.env.WEBSTACK_SKIP_REHEARSAL === "1") {
        context.skip();
    }
    const missing = missingPrerequisites();
    if (missing.length > 0) {
        throw new Error(`the rehearsal cannot run on this machine (set WEBSTACK_SKIP_REHEARSAL=1 to skip it explicitly):\n${missing.map((m) => `  - ${m}`).join("\n")}`);
    }
}

/** Runs `rehearsal/cli.ts` in its own process (the program's Pulumi mocks run once per process), bounded. */
export function runRehearsal(args: string[], timeoutMs: number, onOutput?: (chunk: string, child: import("child_process").ChildProcess) => void): Promise<RehearsalRun> {
    const jsonFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rehearsal-report-")), "report.json");
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "rehearsal/cli.ts", ...args, "--json", jsonFile], { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => {
            output += d.toString();
            onOutput?.(d.toString(), child);
        });
        // SIGTERM lets the rehearsal tear itself down; SIGKILL only if that hangs too.
        const term = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
        const kill = setTimeout(() => child.kill("SIGKILL"), timeoutMs + 30000);
        child.on("close", (exitCode) => {
            clearTimeout(term);
            clearTimeout(kill);
            if (!fs.existsSync(jsonFile)) {
                reject(new Error(`the rehearsal wrote no report (exit ${exitCode}):\n${output}`));
                return;
            }
            const report = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as RehearsalReport;
            fs.rmSync(path.dirname(jsonFile), { recursive: true, force: true });
            resolve({ report, exitCode, output });
        });
    });
}

/**
 * What a rehearsal might leave behind: namespaces, /etc/netns entries, the uplink, run
 * directories and their overlay mounts, the lock, nspawn or apt-cacher-ng processes.
 */
export function leftovers(): string[] {
    const found: string[] = [];
    const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.startsWith("wsr-"));
    found.push(...namespaces.map((ns) => `network namespace ${ns}`));
    if (fs.existsSync("/etc/netns"))
        found.push(
            ...fs
                .readdirSync("/etc/netns")
                .filter((e) => e.startsWith("wsr-"))
                .map((e) => `/etc/netns/${e}`),
        );
    if (fs.existsSync("/sys/class/net/wsr-uplink")) found.push("link wsr-uplink");
    found.push(
        ...fs
            .readdirSync(os.tmpdir())
            .filter((e) => /^wsr-run-/.test(e))
            .map((e) => path.join(os.tmpdir(), e)),
    );
    if (fs.existsSync("/run/webstack-rehearsal.lock")) found.push("/run/webstack-rehearsal.lock");
    const runDirs = `${os.tmpdir()}/wsr-run-`;
    for (const line of fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
        const mountPoint = line.split(" ")[4];
        if (mountPoint?.startsWith(runDirs)) found.push(`mount ${mountPoint}`);
    }
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
            if (cmdline.includes(runDirs)) found.push(`process ${pid} (${cmdline.slice(0, 200)})`);
        } catch {
            // process exited while scanning
        }
    }
    return found;
}

export function line(run: RehearsalRun, id: string) {
    const check = run.report.checks.find((c) => c.id === id);
    if (!check) throw new Error(`no report line ${id}; report:\n${run.output}`);
    return check;
}
