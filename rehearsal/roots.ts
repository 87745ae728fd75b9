import * as fs from "fs";
import * as path from "path";
import { ServerFiles } from "../components/servers/serverFiles";
import { ServerPlan } from "../components/servers/topology";
import { must, run } from "./exec";

/**
 * Directories (and one file) of a server that are bind-mounted from its root, so its daemons
 * read the rendered files at their real paths. /run is per server too (pid files, sockets).
 */
export const MOUNTED_DIRS = [
    "/etc/haproxy",
    "/etc/nginx",
    "/etc/mysql",
    "/etc/webstack",
    "/opt/webstack",
    "/usr/local/sbin",
    "/var/lib/mysql",
    "/var/lib/nginx",
    "/var/log",
    "/run",
    "/root",
    // Last: the enter script and the server's root live under the host's /tmp.
    "/tmp",
];
export const MOUNTED_FILES = ["/etc/nftables.conf"];
/** Debian's packaged defaults each server starts from, as a fresh install would. */
const PACKAGE_DEFAULTS = ["/etc/nginx", "/etc/mysql", "/etc/haproxy"];
/** Mount points the host lacks; created empty for the run and removed at teardown. */
const HOST_MOUNTPOINTS = ["/etc/webstack", "/opt/webstack"];
export const APP_USER = "webstack-app";

export interface ServerRoot {
    server: ServerPlan;
    ns: string;
    dir: string;
    /** Where the server's "/" paths live: fs/etc/haproxy/haproxy.cfg … */
    fs: string;
    /** Enters the server's view: bind mounts + own hostname, then execs its arguments. */
    enter: string;
    logs: string;
}

export interface HostChanges {
    mountpoints: string[];
    createdAppUser: boolean;
}

/** Creates what the host needs for the run (empty mount points, the app's system user); records it for teardown. */
export async function prepareHost(): Promise<HostChanges> {
    const changes: HostChanges = { mountpoints: [], createdAppUser: false };
    for (const dir of HOST_MOUNTPOINTS) {
        if (!fs.existsSync(dir)) {
            fs.mkdirSync(dir);
            changes.mountpoints.push(dir);
        }
    }
    if ((await run(["id", "-u", APP_USER])).code !== 0) {
        await must(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", APP_USER]);
        changes.createdAppUser = true;
    }
    return changes;
}

export async function restoreHost(changes: HostChanges): Promise<string[]> {
    const problems: string[] = [];
    for (const dir of changes.mountpoints) {
        try {
            fs.rmdirSync(dir);
        } catch (error) {
            problems.push(`rmdir ${dir}: ${String(error)}`);
        }
    }
    if (changes.createdAppUser) {
        const del = await run(["userdel", APP_USER]);
        if (del.code !== 0) problems.push(`userdel ${APP_USER}: ${del.stderr.trim()}`);
    }
    return problems;
}

/**
 * Lays out one server's filesystem: Debian's package defaults, then every rendered file at
 * its path with its permissions, the secrets (which the real server fetches from SSM) with
 * their owner and mode, and the nginx site enabled as the server's boot commands do.
 */
export async function buildServerRoot(runDir: string, ns: string, server: ServerPlan, files: ServerFiles, secretValues: (parameter: string) => string): Promise<ServerRoot> {
    const dir = path.join(runDir, server.key);
    const root: ServerRoot = { server, ns, dir, fs: path.join(dir, "fs"), enter: path.join(dir, "enter.sh"), logs: path.join(dir, "logs") };
    fs.mkdirSync(root.logs, { recursive: true });
    fs.chmodSync(dir, 0o755);
    const at = (p: string) => path.join(root.fs, p);
    for (const d of MOUNTED_DIRS) fs.mkdirSync(at(d), { recursive: true });
    for (const d of PACKAGE_DEFAULTS) await must(["cp", "-a", `${d}/.`, at(d)]);
    fs.mkdirSync(at("/etc"), { recursive: true });
    fs.writeFileSync(at("/etc/nftables.conf"), "flush ruleset\n");

    for (const file of files.files) {
        fs.mkdirSync(path.dirname(at(file.path)), { recursive: true });
        fs.writeFileSync(at(file.path), file.content);
        fs.chmodSync(at(file.path), parseInt(file.permissions, 8));
    }
    for (const secret of files.secrets) {
        fs.mkdirSync(path.dirname(at(secret.path)), { recursive: true });
        fs.writeFileSync(at(secret.path), secretValues(secret.parameter));
        await must(["chown", secret.owner, at(secret.path)]);
        fs.chmodSync(at(secret.path), parseInt(secret.mode, 8));
    }
    if (server.components.includes("web")) {
        // The boot commands: rm sites-enabled/default; ln -sf the site into sites-enabled.
        fs.rmSync(at("/etc/nginx/sites-enabled/default"), { force: true });
        fs.symlinkSync("/etc/nginx/sites-available/webstack.conf", at("/etc/nginx/sites-enabled/webstack.conf"));
    }
    for (const d of ["/run/mysqld", "/run/haproxy", "/var/log/nginx", "/var/log/mysql"]) fs.mkdirSync(at(d), { recursive: true });
    await must(["chown", "mysql:mysql", at("/var/lib/mysql"), at("/run/mysqld"), at("/var/log/mysql")]);
    fs.chmodSync(at("/root"), 0o700);
    fs.chmodSync(at("/tmp"), 0o1777);

    const mounts = [...MOUNTED_FILES, ...MOUNTED_DIRS].map((p) => `mount --bind "$R${p}" "${p}"`);
    fs.writeFileSync(
        root.enter,
        `#!/bin/sh
# Enters ${server.key}'s view of the filesystem (run under: ip netns exec ${ns} unshare --mount --uts --propagation private).
set -e
R=${root.fs}
${mounts.join("\n")}
hostname ${server.key}
# Start from / as systemd would: the caller's directory may sit under a path mounted over
# above (a checkout in /tmp), and haproxy refuses to start if it cannot return to it.
cd /
exec "$@"
`,
        { mode: 0o755 },
    );
    return root;
}

/** argv that runs a command inside the server's network namespace and filesystem view. */
export function inServer(root: ServerRoot, argv: string[]): string[] {
    return ["ip", "netns", "exec", root.ns, "unshare", "--mount", "--uts", "--propagation", "private", root.enter, ...argv];
}

/** The rendered env file (KEY=value lines) as a map. */
export function readEnvFile(root: ServerRoot, file: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const line of fs.readFileSync(path.join(root.fs, file), "utf8").split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0 && !line.startsWith("#")) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return env;
}
