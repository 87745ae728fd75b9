import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run, RunOptions, RunResult, sleep, waitFor } from "./exec";
import { ServerRoot } from "./roots";

/**
 * One server booted as a systemd-nspawn container: systemd is PID 1, the root filesystem is
 * the server's overlay, the network is the server's own namespace. The host runs no
 * systemd-machined, hence --register=no --keep-unit; commands enter the container with
 * nsenter on its PID 1 (systemd-run -M / machinectl need machined).
 *
 * Like systemd-nspawn@.service (RestartForceExitStatus=133), a reboot inside the container
 * (nspawn exits 133) starts it again on the same root filesystem.
 */
export class Container {
    private child?: ChildProcess;
    private exitCode: number | null | undefined;
    private stopping = false;
    /** PID 1 of the current boot, as the host sees it. */
    pid1 = 0;
    /** Boots so far (2 after one reboot). */
    boots = 0;
    startedAt = 0;

    constructor(readonly root: ServerRoot) {}

    get consoleLog(): string {
        return path.join(this.root.logs, "console.log");
    }

    argv(): string[] {
        return [
            "systemd-nspawn",
            "--boot",
            "--register=no",
            "--keep-unit",
            "--quiet",
            `--directory=${this.root.fs}`,
            `--machine=${this.root.server.key}`,
            `--network-namespace-path=/run/netns/${this.root.ns}`,
            // nft -f in the boot commands manages the server's own namespace, as root on EC2 may.
            "--capability=CAP_NET_ADMIN",
            "--resolv-conf=off",
            "--timezone=off",
            "--link-journal=no",
            "--console=read-only",
            // Block devices standing in for the server's attached EBS volumes (loop devices).
            ...(this.root.devices ?? []).map((device) => `--bind=${device}`),
        ];
    }

    /** Starts nspawn and waits for the container's PID 1. */
    async start(): Promise<void> {
        this.stopping = false;
        this.exitCode = undefined;
        const log = fs.openSync(this.consoleLog, "a");
        const argv = this.argv();
        const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", log, log], detached: true });
        fs.closeSync(log);
        this.child = child;
        this.boots++;
        this.startedAt = Date.now();
        child.on("exit", (code) => {
            if (this.child !== child) return;
            this.exitCode = code;
            // 133: the container asked for a reboot. Boot it again, as the template unit does.
            if (code === 133 && !this.stopping) void this.start().catch(() => undefined);
        });
        this.pid1 = await waitFor(`PID 1 of ${this.root.server.key}'s container`, 15000, async () => {
            if (this.child === child && this.exitCode !== undefined) throw new Error(`systemd-nspawn exited ${this.exitCode}: ${this.consoleTail()}`);
            return child.pid ? containerInit(child.pid) : undefined;
        });
    }

    get running(): boolean {
        return this.child !== undefined && this.exitCode === undefined;
    }

    consoleTail(chars = 2000): string {
        return fs.existsSync(this.consoleLog) ? fs.readFileSync(this.consoleLog, "utf8").slice(-chars) : "";
    }

    /** argv that runs a command inside the container: every namespace of its PID 1. */
    exec(argv: string[]): string[] {
        return ["nsenter", "-t", String(this.pid1), "-a", ...argv];
    }

    run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
        return run(this.exec(argv), options);
    }

    /** Reboots the container from inside (systemctl reboot); returns once the new PID 1 runs. */
    async reboot(timeoutMs = 60000): Promise<void> {
        const old = this.pid1;
        await this.run(["systemctl", "reboot"], { timeoutMs: 10000 });
        await waitFor(`${this.root.server.key} to boot again`, timeoutMs, async () => (this.running && this.pid1 !== old && this.pid1 !== 0 ? true : undefined), 250);
    }

    /**
     * Stops the container, escalating: SIGRTMIN+4 to PID 1 (systemd's "power off"), then
     * SIGTERM to nspawn, then SIGKILL to both. Returns what it had to escalate to.
     */
    async stop(gracefulMs = 20000): Promise<"not running" | "powered off" | "SIGTERM" | "SIGKILL"> {
        this.stopping = true;
        const child = this.child;
        if (!child || this.exitCode !== undefined) return "not running";
        const gone = async (ms: number) => {
            const deadline = Date.now() + ms;
            while (this.exitCode === undefined && Date.now() < deadline) await sleep(100);
            return this.exitCode !== undefined;
        };
        const signal = (pid: number, sig: NodeJS.Signals) => {
            try {
                process.kill(pid, sig);
            } catch {
                // already gone
            }
        };
        // Node knows no real-time signal names; kill(1) does (SIGRTMIN+4 = systemd's "power off").
        if (this.pid1) await run(["kill", "-s", "SIGRTMIN+4", String(this.pid1)], { timeoutMs: 5000 });
        if (await gone(gracefulMs)) return "powered off";
        if (child.pid) signal(child.pid, "SIGTERM");
        if (await gone(10000)) return "SIGTERM";
        if (this.pid1) signal(this.pid1, "SIGKILL");
        if (child.pid) signal(child.pid, "SIGKILL");
        await gone(10000);
        return "SIGKILL";
    }
}

/** The container's init: the descendant of nspawn whose pid in its own namespace is 1. */
export function containerInit(nspawnPid: number): number | undefined {
    const parents = new Map<number, number>();
    const nsPid1 = new Set<number>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
            const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
            const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1].trim().split(/\s+/) ?? [];
            parents.set(Number(entry), ppid);
            if (nspid.length > 1 && nspid[nspid.length - 1] === "1") nsPid1.add(Number(entry));
        } catch {
            // exited while scanning
        }
    }
    for (const pid of nsPid1) {
        for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) {
            if (p === nspawnPid) return pid;
        }
    }
    return undefined;
}
