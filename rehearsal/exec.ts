import { spawn } from "child_process";

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

export interface RunOptions {
    /** Kill the command (SIGKILL) after this long; every command is bounded. */
    timeoutMs?: number;
    input?: string;
    env?: NodeJS.ProcessEnv;
}

/** Runs a command without a shell, bounded by a timeout, and collects its output. */
export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = options.timeoutMs ?? 30000;
    return new Promise((resolve) => {
        const child = spawn(argv[0], argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], env: options.env ?? process.env });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
        }, timeoutMs);
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (error) => {
            clearTimeout(timer);
            resolve({ code: 127, stdout, stderr: stderr + String(error), timedOut });
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr, timedOut });
        });
        child.stdin.on("error", () => undefined);
        child.stdin.end(options.input ?? "");
    });
}

/** Like run, but throws with the command's output when it fails. */
export async function must(argv: string[], options: RunOptions = {}): Promise<string> {
    const result = await run(argv, options);
    if (result.code !== 0) {
        throw new Error(`command failed (${result.timedOut ? "timed out" : `exit ${result.code}`}): ${argv.join(" ")}\n${result.stderr.trim()}\n${result.stdout.trim()}`.trim());
    }
    return result.stdout;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined, or gives up after timeoutMs. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, intervalMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
        try {
            const value = await probe();
            if (value !== undefined) {
                return value;
            }
        } catch (error) {
            last = error;
        }
        await sleep(intervalMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
