import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { sleep, waitFor } from "./exec";
import { appSql, backendStatus, getFromLb, getThroughLb, mustSql, slaveStatus } from "./probes";
import { CheckResult, guarded, notApplicable, verdict } from "./report";
import { ServerRoot } from "./roots";
import { BootedStack } from "./stack";
import { enabledUnits } from "./bootChecks";
import { mustSystemctl, systemctl, UNITS } from "./units";

/** The fault drills, in order (the last one leaves the primary down). */
export async function runFaults(stack: BootedStack, log: (line: string) => void): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    const faults: [string, (s: BootedStack) => Promise<CheckResult>][] = [
        ["fault.app-server-down", faultAppServerDown],
        ["fault.replica-restart", faultReplicaRestart],
        ["fault.server-reboot", faultServerReboot],
        ["fault.primary-down", faultPrimaryDown],
    ];
    for (const [id, fault] of faults) {
        log(`fault: ${id}…`);
        results.push(...(await guarded(id, () => fault(stack))));
    }
    return results;
}

/** Stops nginx on one app server under a steady request stream; the LB must take it out and keep serving. */
async function faultAppServerDown(stack: BootedStack): Promise<CheckResult> {
    const victim = stack.apps[stack.apps.length - 1];
    const name = victim.server.key;
    // Each sample is filed under the moment its request started.
    const samples: { at: number; ms: number; ok: boolean; servedBy: string }[] = [];
    let streaming = true;
    const stream = (async () => {
        const deadline = Date.now() + 40000;
        while (streaming && Date.now() < deadline) {
            const at = Date.now();
            const r = await getThroughLb(stack, "/", 5);
            samples.push({ at, ms: Date.now() - at, ok: r.status === 200, servedBy: r.servedBy });
        }
    })();
    await sleep(1000);
    const stoppedAt = Date.now();
    await mustSystemctl(victim, ["stop", UNITS.nginx]);
    let downAt = 0;
    try {
        downAt = await waitFor(`HAProxy to mark ${name} DOWN`, 20000, async () => ((await backendStatus(stack))[name]?.startsWith("DOWN") ? Date.now() : undefined), 100);
        await sleep(3000);
    } finally {
        streaming = false;
        await stream;
    }
    // "During": in flight at any moment between the stop and the DOWN mark.
    const during = samples.filter((s) => s.at <= downAt && s.at + s.ms >= stoppedAt);
    const after = samples.filter((s) => s.at > downAt);
    const failedDuring = during.filter((s) => !s.ok).length;
    const slowest = Math.max(0, ...during.map((s) => s.ms));
    const failedAfter = after.filter((s) => !s.ok).length;
    const reachedVictimAfter = after.filter((s) => s.servedBy === name).length;

    // Bring it back for what follows, and prove the LB puts it back in rotation.
    await mustSystemctl(victim, ["start", UNITS.nginx]);
    const upAfter = await waitFor(`HAProxy to mark ${name} UP`, 20000, async () => ((await backendStatus(stack))[name] === "UP" ? Date.now() : undefined), 100);
    const ok = after.length > 0 && failedAfter === 0 && reachedVictimAfter === 0;
    return verdict(
        "fault.app-server-down",
        ok,
        `systemctl stop nginx on ${name}: marked DOWN after ${((downAt - stoppedAt) / 1000).toFixed(1)} s; during the switch ${failedDuring}/${during.length} requests failed, slowest ${(slowest / 1000).toFixed(1)} s` +
            `${failedDuring ? " (no `option redispatch`/`retry-on` in haproxy.cfg: a request already sent to the dead server is not retried elsewhere)" : ""}; ` +
            `after: ${failedAfter}/${after.length} failed, ${reachedVictimAfter} reached ${name}; restarted → UP again after ${((upAfter - stoppedAt) / 1000).toFixed(1)} s`,
    );
}

const selfManaged = (stack: BootedStack) => stack.primary !== undefined && stack.replica !== undefined;
const rdsNotApplicable = (id: string) => notApplicable(id, "database placement rds: Amazon RDS (Multi-AZ failover) is not booted in the rehearsal");

async function rowCount(stack: BootedStack, host: string): Promise<number> {
    return Number(await mustSql(appSql(stack, stack.apps[0], host, "SELECT COUNT(*) FROM rehearsal_rows"), `count rows on ${host}`));
}

async function ensureTable(stack: BootedStack): Promise<void> {
    await mustSql(
        appSql(stack, stack.apps[0], stack.primary!.server.fqdn, "CREATE TABLE IF NOT EXISTS rehearsal_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)"),
        "create table",
    );
}

/** Stops the replica, writes on the primary meanwhile, restarts it: it must catch up with every row. */
async function faultReplicaRestart(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("fault.replica-restart");
    const primary = stack.primary!.server.fqdn;
    const replica = stack.replica!.server.fqdn;
    await ensureTable(stack);
    await mustSystemctl(stack.replica!, ["stop", UNITS.database]);
    const written = 20;
    for (let i = 0; i < written; i++) {
        await mustSql(appSql(stack, stack.apps[0], primary, `INSERT INTO rehearsal_rows (note) VALUES ('while-replica-down-${i}')`), "insert while the replica is down");
    }
    const onPrimary = await rowCount(stack, primary);
    const restartedAt = Date.now();
    await mustSystemctl(stack.replica!, ["start", UNITS.database], 120000);
    const caughtUp = await waitFor("the replica to catch up", 30000, async () => ((await rowCount(stack, replica)) === onPrimary ? Date.now() : undefined));
    const status = await slaveStatus(stack.replica!);
    const ok = status.Slave_IO_Running === "Yes" && status.Slave_SQL_Running === "Yes";
    return verdict(
        "fault.replica-restart",
        ok,
        `replica stopped, ${written} rows written on the primary meanwhile; restarted, caught up to ${onPrimary} rows (none lost) in ${((caughtUp - restartedAt) / 1000).toFixed(1)} s incl. start-up; IO ${status.Slave_IO_Running}, SQL ${status.Slave_SQL_Running}, lag ${status.Seconds_Behind_Master} s`,
    );
}

/** Stops the primary: writes must fail clearly, reads from the replica keep working, nothing written is lost. */
async function faultPrimaryDown(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("fault.primary-down");
    const primary = stack.primary!.server.fqdn;
    const replica = stack.replica!.server.fqdn;
    await ensureTable(stack);
    await mustSql(appSql(stack, stack.apps[0], primary, "INSERT INTO rehearsal_rows (note) VALUES ('last-before-primary-stops')"), "last insert");
    const onPrimary = await rowCount(stack, primary);
    await waitFor("the replica to have every row", 15000, async () => ((await rowCount(stack, replica)) === onPrimary ? true : undefined));
    await mustSystemctl(stack.primary!, ["stop", UNITS.database]);

    const write = await appSql(stack, stack.apps[0], primary, "INSERT INTO rehearsal_rows (note) VALUES ('while-primary-down')");
    const onReplica = await rowCount(stack, replica);
    const page = await getFromLb(stack, stack.apps[0], "/db.json", 15);
    const report = JSON.parse(page.body || "{}") as { writer?: { ok: boolean; error?: string }; reader?: { ok: boolean; read_only?: boolean } };
    const writeError = write.stderr.trim().split("\n").pop() ?? "";
    const ok = write.code !== 0 && /can't connect|connection refused|\(111\)/i.test(writeError) && onReplica === onPrimary && report.writer?.ok === false && report.reader?.ok === true;
    return verdict(
        "fault.primary-down",
        ok,
        `primary stopped: write as webapp fails with "${writeError}"; replica still answers reads with all ${onReplica}/${onPrimary} rows; app /db.json: writer ok=${report.writer?.ok} (${(report.writer?.error ?? "").slice(0, 100)}), reader ok=${report.reader?.ok} — writes stay down until someone promotes the replica (the documented single-writer weakness)`,
    );
}

/** sha256 and owner:mode of each secret file the server fetched at boot, by path. */
function secretFingerprints(root: ServerRoot, stack: BootedStack): Record<string, string> {
    const prints: Record<string, string> = {};
    for (const secret of stack.files[root.server.key].secrets) {
        const file = path.join(root.fs, secret.path);
        if (!fs.existsSync(file)) {
            prints[secret.path] = "missing";
            continue;
        }
        const stat = fs.statSync(file);
        prints[secret.path] = `${crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 12)} ${stat.uid}:${stat.gid} ${(stat.mode & 0o7777).toString(8)}`;
    }
    return prints;
}

/**
 * Reboots a server (systemctl reboot inside its container; nspawn exits 133 and the container
 * boots again on the same disk, as EC2 restarts an instance): it must come back by itself —
 * every unit the program enabled active, its secrets and its data intact, back in rotation.
 */
async function faultServerReboot(stack: BootedStack): Promise<CheckResult> {
    // The replica's host in dev (an app server with a database), an app server in prod.
    const victim = stack.replica && stack.apps.includes(stack.replica) ? stack.replica : stack.apps[stack.apps.length - 1];
    const name = victim.server.key;
    const before = secretFingerprints(victim, stack);
    const hasDatabase = stack.replica === victim || stack.primary === victim;
    const rowsBefore = hasDatabase && stack.primary ? await rowCount(stack, stack.primary.server.fqdn) : undefined;
    const container = victim.container!;
    const oldPid1 = container.pid1;
    const started = Date.now();
    await container.reboot(120000);
    // Right after the new PID 1 starts, systemctl cannot reach it yet and prints nothing: ask
    // again until systemd answers with a state (--wait then holds until start-up is over).
    const state = await waitFor(
        `systemd in ${name} to answer after the reboot`,
        180000,
        async () => {
            const answer = (await systemctl(victim, ["is-system-running", "--wait"], 180000)).stdout.trim();
            return answer && answer !== "offline" ? answer : undefined;
        },
        500,
    ).catch(() => "no answer");
    const upAt = Date.now();
    const units = enabledUnits(stack.files[name]);
    const active = (await systemctl(victim, ["is-active", ...units])).stdout.trim().split("\n");
    const inactive = units.filter((_, i) => active[i] !== "active");
    const after = secretFingerprints(victim, stack);
    const secretsKept = Object.keys(before).length > 0 && Object.keys(before).every((p) => before[p] !== "missing" && before[p] === after[p]);
    const inRotation = await waitFor(`HAProxy to mark ${name} UP after the reboot`, 60000, async () => ((await backendStatus(stack))[name] === "UP" ? Date.now() : undefined), 250);
    let data = "no database on this server";
    let dataOk = true;
    if (hasDatabase && stack.primary && rowsBefore !== undefined) {
        const rows = await waitFor(`${name} to hold every row again`, 60000, async () => {
            const n = await rowCount(stack, victim.server.fqdn).catch(() => -1);
            return n >= rowsBefore ? n : undefined;
        });
        const status = await slaveStatus(victim);
        dataOk = rows >= rowsBefore && (stack.replica !== victim || (status.Slave_IO_Running === "Yes" && status.Slave_SQL_Running === "Yes"));
        data = `${rows}/${rowsBefore} rows after the reboot${stack.replica === victim ? `, replication IO ${status.Slave_IO_Running} SQL ${status.Slave_SQL_Running}` : ""}`;
    }
    const page = await getFromLb(stack, victim, "/healthz", 10);
    const ok = container.pid1 !== oldPid1 && state === "running" && inactive.length === 0 && secretsKept && dataOk && page.status === 200;
    return verdict(
        "fault.server-reboot",
        ok,
        `${name} rebooted (container restart, boot ${container.boots}): systemd ${state} after ${((upAt - started) / 1000).toFixed(1)} s, ${units.length - inactive.length}/${units.length} enabled units active${inactive.length ? ` (NOT: ${inactive.join(" ")})` : ""}; ` +
            `${Object.keys(after).length} secret files ${secretsKept ? "unchanged (content, owner, mode)" : `CHANGED ${JSON.stringify({ before, after })}`}; ${data}; back in HAProxy rotation after ${((inRotation - started) / 1000).toFixed(1)} s; /healthz ${page.status || page.error}`,
    );
}
