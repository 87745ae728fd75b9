import { APP_UNIT_NAME } from "../render/app";
import { MARIADB_SERVICE } from "../render/mysqlConfig";
import { must, run, RunResult } from "./exec";
import { ServerRoot } from "./roots";

/** The systemd units the program's boot commands enable, by what they run. */
export const UNITS = {
    haproxy: "haproxy.service",
    nginx: "nginx.service",
    app: APP_UNIT_NAME,
    database: `${MARIADB_SERVICE}.service`,
    nftables: "nftables.service",
} as const;

/**
 * systemd could not start the unit's process at all, so the unit's own program never ran: the
 * journal says "Failed to spawn executor" (or "'start' task") and "Failed with result 'resources'".
 * This host's nspawn containers meet that now and then under load, for units of every kind.
 */
export function couldNotSpawn(journal: string): boolean {
    return /Failed to spawn (executor|'start' task)/.test(journal) && /Failed with result 'resources'/.test(journal);
}

/** argv that runs a command inside the server's container (every namespace of its PID 1). */
export function inServer(root: ServerRoot, argv: string[]): string[] {
    if (!root.container) throw new Error(`${root.server.key} is not booted`);
    return root.container.exec(argv);
}

export function systemctl(root: ServerRoot, args: string[], timeoutMs = 60000): Promise<RunResult> {
    return run(inServer(root, ["systemctl", ...args]), { timeoutMs });
}

export async function mustSystemctl(root: ServerRoot, args: string[], timeoutMs = 60000): Promise<string> {
    return must(inServer(root, ["systemctl", ...args]), { timeoutMs });
}
