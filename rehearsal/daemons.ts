import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { APP_DIR, APP_ENV_FILE } from "../components/appserver/renderApp";
import { DATABASE_BOOTSTRAP_PATH } from "../components/database/renderReplicationBootstrap";
import { HOST_FIREWALL_PATH } from "../components/firewall/renderHostFirewall";
import { PATHS, PORTS } from "../components/servers/serverFiles";
import { must, run, sleep, waitFor } from "./exec";
import { APP_USER, inServer, readEnvFile, ServerRoot } from "./roots";

export type DaemonName = "haproxy" | "nginx" | "app" | "mariadb" | "ssh-listener";

interface Running {
    root: ServerRoot;
    name: DaemonName;
    child: ChildProcess;
    exited: boolean;
}

/** The daemons of the rehearsal, started in their server's namespace and view, stopped by pid. */
export class Daemons {
    private readonly running: Running[] = [];

    /** Starts a long-running process in the foreground of its server; output goes to logs/<name>.log. */
    start(root: ServerRoot, name: DaemonName, argv: string[]): void {
        const log = fs.openSync(path.join(root.logs, `${name}.log`), "a");
        const child = spawn(inServer(root, argv)[0], inServer(root, argv).slice(1), { stdio: ["ignore", log, log], detached: true });
        fs.closeSync(log);
        const entry: Running = { root, name, child, exited: false };
        child.on("exit", () => (entry.exited = true));
        this.running.push(entry);
    }

    isRunning(root: ServerRoot, name: DaemonName): boolean {
        return this.running.some((r) => r.root === root && r.name === name && !r.exited);
    }

    /** Stops one daemon: SIGTERM, then SIGKILL if it has not exited within timeoutMs. */
    async stop(root: ServerRoot, name: DaemonName, timeoutMs = 10000): Promise<void> {
        for (const entry of this.running.filter((r) => r.root === root && r.name === name && !r.exited)) {
            entry.child.kill("SIGTERM");
            const deadline = Date.now() + timeoutMs;
            while (!entry.exited && Date.now() < deadline) await sleep(100);
            if (!entry.exited) {
                entry.child.kill("SIGKILL");
                while (!entry.exited) await sleep(50);
            }
        }
    }

    async signal(root: ServerRoot, name: DaemonName, signal: NodeJS.Signals): Promise<void> {
        for (const entry of this.running.filter((r) => r.root === root && r.name === name && !r.exited)) entry.child.kill(signal);
    }

    async stopAll(): Promise<void> {
        for (const entry of [...this.running].reverse()) {
            if (!entry.exited) await this.stop(entry.root, entry.name, 5000);
        }
    }

    log(root: ServerRoot, name: DaemonName): string {
        const file = path.join(root.logs, `${name}.log`);
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    }
}

/** Applies the rendered host firewall, as the server's first boot command does. */
export async function applyHostFirewall(root: ServerRoot): Promise<void> {
    await must(inServer(root, ["nft", "-f", HOST_FIREWALL_PATH]));
}

/** Waits until something accepts TCP connections on host:port inside the server's namespace. */
export async function waitForPort(root: ServerRoot, host: string, port: number, what: string, daemons: Daemons, name: DaemonName, timeoutMs = 20000): Promise<void> {
    await waitFor(`${what} on ${root.server.key} ${host}:${port}`, timeoutMs, async () => {
        if (!daemons.isRunning(root, name)) {
            throw new Error(`${name} on ${root.server.key} exited:\n${daemons.log(root, name).slice(-2000)}`);
        }
        const probe = await run(["ip", "netns", "exec", root.ns, "timeout", "2", "bash", "-c", `exec 3<>/dev/tcp/${host}/${port}`], { timeoutMs: 3000 });
        return probe.code === 0 ? true : undefined;
    });
}

export async function startHaproxy(root: ServerRoot, daemons: Daemons): Promise<void> {
    daemons.start(root, "haproxy", ["haproxy", "-db", "-f", "/etc/haproxy/haproxy.cfg"]);
    await waitForPort(root, "127.0.0.1", PORTS.haproxyStats, "haproxy stats", daemons, "haproxy");
}

export async function startNginx(root: ServerRoot, daemons: Daemons, listenPort: number): Promise<void> {
    daemons.start(root, "nginx", ["nginx", "-g", "daemon off;"]);
    await waitForPort(root, root.server.privateIp, listenPort, "nginx", daemons, "nginx");
}

/** The app as its systemd unit runs it: the env file's variables, as the webstack-app user. */
export async function startApp(root: ServerRoot, daemons: Daemons): Promise<void> {
    const env = readEnvFile(root, APP_ENV_FILE);
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    daemons.start(root, "app", ["setpriv", `--reuid=${APP_USER}`, `--regid=${APP_USER}`, "--clear-groups", "env", "-i", "PATH=/usr/bin:/bin", ...vars, "/usr/bin/python3", `${APP_DIR}/app.py`]);
    await waitForPort(root, "127.0.0.1", PORTS.app, "app", daemons, "app");
}

/** mariadb-install-db into the server's own datadir, then mariadbd with the rendered cnf. */
export async function initializeDatabase(root: ServerRoot): Promise<void> {
    await must(inServer(root, ["mariadb-install-db", "--user=mysql", "--datadir=/var/lib/mysql", "--skip-test-db", "--auth-root-authentication-method=socket"]), { timeoutMs: 90000 });
}

export async function startDatabase(root: ServerRoot, daemons: Daemons): Promise<void> {
    daemons.start(root, "mariadb", ["mariadbd", "--user=mysql"]);
    await waitFor(`mariadbd socket on ${root.server.key}`, 60000, async () => {
        if (!daemons.isRunning(root, "mariadb")) {
            throw new Error(`mariadbd on ${root.server.key} exited:\n${daemons.log(root, "mariadb").slice(-3000)}`);
        }
        const ping = await run(inServer(root, ["mariadb-admin", `--socket=${PATHS.mysqlSocket}`, "ping"]), { timeoutMs: 5000 });
        return ping.code === 0 ? true : undefined;
    });
    await waitForPort(root, root.server.privateIp, PORTS.mysql, "mariadbd", daemons, "mariadb");
}

/** The rendered replication bootstrap, as the boot commands run it after the database starts. */
export async function runDatabaseBootstrap(root: ServerRoot): Promise<string> {
    return must(inServer(root, [DATABASE_BOOTSTRAP_PATH]), { timeoutMs: 60000 });
}

/**
 * A tiny TCP listener on port 22 that greets like sshd: with it running, a refused or
 * dropped connection proves the firewall blocks SSH, not the absence of a daemon.
 */
export async function startSshListener(root: ServerRoot, daemons: Daemons): Promise<void> {
    const script = [
        "import socket",
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
        "s.bind(('0.0.0.0', 22)); s.listen(16)",
        "while True:",
        "    c, _ = s.accept(); c.sendall(b'SSH-2.0-rehearsal-listener\\r\\n'); c.close()",
    ].join("\n");
    daemons.start(root, "ssh-listener", ["/usr/bin/python3", "-c", script]);
    await waitForPort(root, "127.0.0.1", 22, "ssh listener", daemons, "ssh-listener");
}
