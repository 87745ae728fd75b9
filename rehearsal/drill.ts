import { X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { shellQuote } from "../render/quote";
import { renderServerBundle } from "../render/serverBundle";
import { APPLIER_UNIT } from "../render/bootstrap";
import { BackendHop, BackendHopMigration, backendPort, buildStackFacts, PORTS, ServerPlan } from "../model";
import { parseOverride } from "../config/overrides";
import { buildServerFiles, ServerFiles } from "../render/serverFiles";
import { applySecurityGroups, bootAddedServer, joinNetwork } from "./addServer";
import { IssuedCertificates, signedBy } from "./certificates";
import { run, sleep, waitFor } from "./exec";
import { CLIENT_NS, LB_PUBLIC_IP } from "./namespaces";
import { planRehearsal, RehearsalPlan } from "./plan";
import { appSql, backendStatus, getFromLb, getThroughLb, mustSql, site, slaveStatus, tcpProbe } from "./probes";
import { CheckResult, verdict } from "./report";
import { ServerRoot } from "./roots";
import { BootedStack, bundleOf, CLOUD_INIT_TIMEOUT_MS, TeardownState } from "./stack";
import { couldNotSpawn, inServer, systemctl } from "./units";

/**
 * The day-2 drill: a change delivered to the booted stack by the same path as production — new
 * secret versions in the SSM stand-in and new bundle versions in the S3 stand-in, then each
 * server's own applier (`systemctl start webstack-apply`, as an operator or the timer would) —
 * under a steady request stream and a steady stream of writes.
 */
export async function runDrill(stack: BootedStack, state: TeardownState, log: (line: string) => void): Promise<CheckResult[]> {
    log("drill: change.certificate-renewal…");
    const results = [await certificateRenewal(stack)];
    log("drill: change.scale-out…");
    results.push(await scaleOut(stack, state));
    log("drill: change.backend-hop…");
    results.push(await backendHopSwitch(stack));
    return results;
}

interface Streams {
    requests: { ok: boolean; error: string; servedBy: string }[];
    inserts: { ok: boolean }[];
    stop(): Promise<void>;
}

/** HTTPS requests through the load balancer and INSERTs on the primary, back to back, until stopped. */
function startStreams(stack: BootedStack, writer: ServerRoot | undefined, tag: string): Streams {
    const requests: Streams["requests"] = [];
    const inserts: Streams["inserts"] = [];
    let running = true;
    const http = (async () => {
        while (running) {
            const r = await getThroughLb(stack, "/", 5);
            requests.push({ ok: r.status === 200, error: r.status === 200 ? "" : `${r.status} ${r.error}`.trim(), servedBy: r.servedBy });
        }
    })();
    const sql = (async () => {
        while (running && writer) {
            const out = await appSql(stack, stack.apps[0], writer.server.fqdn, `INSERT INTO rehearsal_rows (note) VALUES ('${tag}-${inserts.length}')`);
            inserts.push({ ok: out.code === 0 });
            await sleep(100);
        }
    })();
    return {
        requests,
        inserts,
        stop: async () => {
            running = false;
            await Promise.all([http, sql]);
        },
    };
}

/** The serial of the certificate a TLS endpoint presents, fetched from a network namespace. */
async function servedSerial(ns: string, connect: string, serverName: string, starttls?: string): Promise<string> {
    const sClient = ["openssl", "s_client", "-connect", connect, "-servername", serverName, ...(starttls ? ["-starttls", starttls] : [])];
    const out = await run(["ip", "netns", "exec", ns, "sh", "-c", `${sClient.map(shellQuote).join(" ")} </dev/null 2>/dev/null | openssl x509 -noout -serial`], { timeoutMs: 20000 });
    return out.stdout.trim().replace(/^serial=/, "") || `none (${out.stderr.trim().slice(0, 80)})`;
}

/** Every leaf re-issued with a new key by the same CA, as `pulumi up` does inside earlyRenewalDays. */
async function renewLeaves(stack: BootedStack): Promise<IssuedCertificates> {
    const dir = path.join(stack.runDir, "pki-renewed");
    const leaves: IssuedCertificates["leaves"] = {};
    for (const spec of stack.plan.certificates.filter((s) => !s.isCa)) {
        leaves[spec.id] = await signedBy(spec, stack.plan.keySpec, stack.certificates.ca, dir);
    }
    return { ca: stack.certificates.ca, leaves };
}

async function certificateRenewal(stack: BootedStack): Promise<CheckResult> {
    const { topology } = stack.plan;
    const db = stack.primary;
    const dbPeer = stack.replica;
    const frontendBefore = await servedSerial(CLIENT_NS, `${LB_PUBLIC_IP}:443`, site(stack));
    const dbBefore = db && dbPeer ? await servedSerial(dbPeer.ns, `${db.server.privateIp}:${PORTS.mysql}`, db.server.fqdn, "mysql") : undefined;
    const rowsBefore = db ? await countRows(stack, db) : 0;

    const streams = startStreams(stack, db, "renewal");
    await sleep(2000);
    // What `pulumi up` does on a renewal: new keys in SSM (new versions), new certificates in the bundles.
    const renewed = await renewLeaves(stack);
    for (const server of topology.servers) {
        const leaf = renewed.leaves[server.role === "load-balancer" ? "frontend" : server.key];
        if (leaf) stack.aws.putParameter(stack.facts.parameters.tlsKey(server.key), leaf.keyPem);
    }
    deliver(stack, stack.plan, renewed);

    // Each server applies it: databases first, then the app servers, then the load balancer.
    const order = [...topology.databaseServers, ...topology.appServers.filter((s) => !s.database), topology.loadBalancer];
    const applied = await applyOn(stack, order);
    await sleep(3000);
    await streams.stop();

    const frontendAfter = await servedSerial(CLIENT_NS, `${LB_PUBLIC_IP}:443`, site(stack));
    const dbAfter = db && dbPeer ? await servedSerial(dbPeer.ns, `${db.server.privateIp}:${PORTS.mysql}`, db.server.fqdn, "mysql") : undefined;
    const failedRequests = streams.requests.filter((r) => !r.ok);
    const written = streams.inserts.filter((i) => i.ok).length;
    const rows = db ? await rowsAccount(stack, db, rowsBefore, written) : { lost: 0, line: "rows: n/a (RDS is not booted)" };
    const expectedFrontend = serialOf(renewed.leaves.frontend.certificatePem);
    const frontendRenewed = frontendAfter.toUpperCase() === expectedFrontend;
    const dbRenewed = !db || (dbAfter !== undefined && dbAfter.toUpperCase() === serialOf(renewed.leaves[db.server.key].certificatePem));
    const ok = failedRequests.length === 0 && rows.lost === 0 && frontendRenewed && dbRenewed && noneFailed(applied) && streams.requests.length > 0;
    return verdict(
        "change.certificate-renewal",
        ok,
        `${streams.requests.length} requests, ${failedRequests.length} failed${failedRequests.length ? ` (${failedRequests[0].error.slice(0, 120)})` : ""}; ` +
            `${rows.line}; frontend serial ${frontendBefore} → ${frontendAfter} (client sees the new certificate: ${frontendRenewed ? "yes" : "NO"})` +
            (db ? `, ${db.server.key} MariaDB serial ${dbBefore} → ${dbAfter} (${dbRenewed ? "FLUSH SSL took it" : "NOT RENEWED"})` : "") +
            `; ${applied.join(", ")}`,
    );
}

/**
 * What `pulumi up` writes for a plan: every server's bundle rendered from the plan with the
 * given certificates, stored as a new S3 version. The booted stack then describes the new state.
 */
function deliver(stack: BootedStack, plan: RehearsalPlan, certificates: IssuedCertificates): void {
    const { topology } = plan;
    const facts = buildStackFacts(plan, {
        region: plan.region,
        certificates: {
            internalCaPem: certificates.ca.certificatePem,
            frontendChainPem: certificates.leaves.frontend.certificatePem + certificates.ca.certificatePem,
            serverCertificatePem: Object.fromEntries(topology.servers.filter((s) => certificates.leaves[s.key]).map((s) => [s.key, certificates.leaves[s.key].certificatePem])),
        },
        managedDatabase: stack.facts.database.managed
            ? { writerHost: stack.facts.database.writerHost, readerHost: stack.facts.database.readerHost, masterSecretArn: stack.facts.database.masterSecretArn ?? "" }
            : undefined,
        dataVolumeIds: stack.facts.dataVolumeIds,
    });
    const files: Record<string, ServerFiles> = Object.fromEntries(topology.servers.map((s) => [s.key, buildServerFiles(s, facts)]));
    for (const instance of plan.instances) {
        stack.bundles[instance.key] ??= bundleOf(instance.key, instance.userData);
        stack.aws.putObject({ ...stack.bundles[instance.key], body: renderServerBundle(files[instance.key]) });
    }
    Object.assign(stack, { plan, facts, files, certificates });
}

/** Runs each server's own applier (`systemctl start webstack-apply`), one after another; "<key> applied" or why not. */
async function applyOn(stack: BootedStack, servers: ServerPlan[]): Promise<string[]> {
    const applied: string[] = [];
    for (const server of servers) {
        const root = stack.roots[server.key];
        applied.push(`${server.key} ${await startApplier(root)}`);
    }
    return applied;
}

/** No server's (or stage's) line says FAILED: applyOn's lines say "applied" or "FAILED (why)". */
function noneFailed(lines: string[]): boolean {
    return !lines.some((line) => line.includes("FAILED"));
}

/**
 * `systemctl start webstack-apply` once, and once more only when systemd could not spawn the
 * process at all (result 'resources', "Failed to spawn executor"): this host's nspawn containers
 * meet that under load for units of every kind (systemd-sysusers at boot, see bootChecks), and the
 * applier never ran, so its stage was not tried. On a server the timer tries again; the drill does
 * so at once and says so. Any failure of the applier itself is a FAIL.
 */
async function startApplier(root: ServerRoot): Promise<string> {
    const first = await systemctl(root, ["start", APPLIER_UNIT], 180000);
    if (first.code === 0) return "applied";
    const why = await applyFailure(root, first.stderr);
    if (!why.notSpawned) return `FAILED (${why.text})`;
    await systemctl(root, ["reset-failed", APPLIER_UNIT], 15000);
    const again = await systemctl(root, ["start", APPLIER_UNIT], 180000);
    return again.code === 0 ? "applied (on the second start: systemd could not spawn the first)" : `FAILED twice (${why.text}; then ${(await applyFailure(root, again.stderr)).text})`;
}

/**
 * Why `systemctl start` of the applier failed, in the applier's own words when it got as far as
 * logging, and always with systemd's: the unit's result, its exit status and its journal's last
 * lines. last-result.json alone can be the previous run's (a timer run), which misled once.
 */
async function applyFailure(root: ServerRoot, systemctlStderr: string): Promise<{ text: string; notSpawned: boolean }> {
    const shown = await systemctl(root, ["show", "--property", "Result,ExecMainStatus,ExecMainExitTimestamp", APPLIER_UNIT], 15000);
    const journal = await run(inServer(root, ["journalctl", "--unit", APPLIER_UNIT, "--lines", "8", "--output", "cat", "--no-pager"]), { timeoutMs: 30000 });
    const unit = shown.stdout.trim().split("\n").join(", ");
    const tail = journal.stdout.trim().split("\n").join(" | ");
    return {
        text: `systemctl: ${systemctlStderr.trim().slice(0, 200) || "no message"}; ${unit}; journal: ${tail.slice(-600) || "empty"}`,
        // The unit's result now, not only a journal line, which could be an older start's.
        notSpawned: /^Result=resources$/m.test(shown.stdout) && couldNotSpawn(journal.stdout),
    };
}

/**
 * One more app server, as `pulumi up` with appServerCount + 1 does: its key in SSM, every bundle
 * updated, the instance in its security groups and the private zone, then booted from the
 * program's user data. The running servers' timers fire in any order; the drill takes the worst
 * for a new backend: the load balancer applies first, while the new server is still booting.
 */
async function scaleOut(stack: BootedStack, state: TeardownState): Promise<CheckResult> {
    const before = stack.plan;
    const plan = await planRehearsal({ stack: before.stack, overrides: [...before.options.overrides, parseOverride(`webstack:appServerCount=${before.config.appServerCount + 1}`)] });
    const moved = before.topology.servers.filter((s) => plan.topology.servers.find((t) => t.key === s.key)?.privateIp !== s.privateIp);
    const added = plan.topology.servers.filter((s) => !before.topology.servers.some((b) => b.key === s.key));
    if (moved.length || added.length !== 1 || added[0].role !== "app") {
        return verdict(
            "change.scale-out",
            false,
            `appServerCount + 1 must add one app server and move none: added ${added.map((s) => s.key).join(", ") || "none"}, moved ${moved.map((s) => s.key).join(", ") || "none"}`,
        );
    }
    const server = added[0];
    const spec = plan.certificates.find((c) => c.id === server.key);
    if (!spec) return verdict("change.scale-out", false, `the program plans no certificate for ${server.key}`);
    const leaf = await signedBy(spec, plan.keySpec, stack.certificates.ca, path.join(stack.runDir, "pki-scale-out"));
    const certificates: IssuedCertificates = { ca: stack.certificates.ca, leaves: { ...stack.certificates.leaves, [server.key]: leaf } };

    const db = stack.primary;
    const rowsBefore = db ? await countRows(stack, db) : 0;
    const streams = startStreams(stack, db, "scale-out");
    await sleep(2000);
    const started = Date.now();
    stack.aws.putParameter(stack.facts.parameters.tlsKey(server.key), leaf.keyPem);
    deliver(stack, plan, certificates);
    await joinNetwork(stack, plan, server);
    const booting = bootAddedServer(stack, state, plan, server, CLOUD_INIT_TIMEOUT_MS);
    // A failed boot must not leave the applies below unawaited; it is reported after them.
    booting.catch(() => undefined);
    const lb = plan.topology.loadBalancer;
    const applied = await applyOn(stack, [lb, ...plan.topology.databaseServers, ...before.topology.appServers.filter((s) => !s.database)]);
    let root: ServerRoot;
    try {
        root = await booting;
    } catch (error) {
        await streams.stop();
        return verdict("change.scale-out", false, `${server.key} did not boot: ${error instanceof Error ? error.message : String(error)}; ${applied.join(", ")}`);
    }
    stack.roots[server.key] = root;
    stack.apps.push(root);
    const bootedAfter = (Date.now() - started) / 1000;
    const upAt = await waitFor(`HAProxy to mark ${server.key} UP`, 120000, async () => ((await backendStatus(stack))[server.key] === "UP" ? Date.now() : undefined), 250).catch(() => undefined);
    // Some requests with the new server in rotation.
    const servedBefore = streams.requests.length;
    await sleep(5000);
    await streams.stop();

    const failedRequests = streams.requests.filter((r) => !r.ok);
    const byNew = streams.requests.slice(servedBefore).filter((r) => r.servedBy === server.key).length;
    const written = streams.inserts.filter((i) => i.ok).length;
    const rows = db ? await rowsAccount(stack, db, rowsBefore, written) : { lost: 0, line: "rows: n/a (RDS is not booted)" };
    // The new server's app reads and writes through its own grants and both databases' firewalls.
    const dbView = db ? await getFromLb(stack, root, "/db.json", 10) : undefined;
    const dbReport = JSON.parse(dbView?.body || "{}") as { writer?: { ok: boolean }; reader?: { ok: boolean } };
    const reachesDb = !db || (dbReport.writer?.ok === true && dbReport.reader?.ok === true);
    const ok = failedRequests.length === 0 && rows.lost === 0 && upAt !== undefined && byNew > 0 && reachesDb && noneFailed(applied);
    return verdict(
        "change.scale-out",
        ok,
        `${streams.requests.length} requests, ${failedRequests.length} failed${failedRequests.length ? ` (${failedRequests[0].error.slice(0, 120)})` : ""}; ${rows.line}; ` +
            `${server.key} (${server.privateIp}) booted ${bootedAfter.toFixed(0)} s after the change, ` +
            (upAt ? `UP in HAProxy ${((upAt - started) / 1000).toFixed(0)} s after it, served ${byNew} of the next ${streams.requests.length - servedBefore} requests` : "NEVER marked UP") +
            (db ? `; its app reaches the databases: ${reachesDb ? "writer and reader" : `NO (${(dbView?.body || dbView?.error || "").slice(0, 160)})`}` : "") +
            `; ${applied.join(", ")} (load balancer first, while ${server.key} booted)`,
    );
}

/**
 * The backend hop switched to the other one by the documented migration: three `up`s
 * (backendHopMigration serve-both, then dial-new, then none), each applied by every server
 * before the next. Each `up` changes the security groups first; the servers then apply in the
 * order that would hurt if the stage were unsafe: the load balancer first while the app servers
 * still serve only the old hop (serve-both, dial-new), and the app servers first, dropping the old
 * hop, while the load balancer has not applied (the last stage).
 */
async function backendHopSwitch(stack: BootedStack): Promise<CheckResult> {
    const from = stack.plan.config.backendHop;
    const to: BackendHop = from === "tls" ? "plaintext" : "tls";
    const lb = stack.plan.topology.loadBalancer;
    const apps = () => stack.plan.topology.appServers;
    const stages: { migration: BackendHopMigration | null; order: () => ServerPlan[] }[] = [
        { migration: "serve-both", order: () => [lb, ...apps()] },
        { migration: "dial-new", order: () => [lb, ...apps()] },
        { migration: null, order: () => [...apps(), lb] },
    ];
    const base = stack.plan.options;
    const db = stack.primary;
    const rowsBefore = db ? await countRows(stack, db) : 0;
    const streams = startStreams(stack, db, "hop");
    await sleep(2000);
    const lines: string[] = [];
    for (const stage of stages) {
        const failedBefore = streams.requests.filter((r) => !r.ok).length;
        const stageOverrides = [`webstack:backendHop=${to}`, ...(stage.migration ? [`webstack:backendHopMigration=${stage.migration}`] : [])].map(parseOverride);
        const plan = await planRehearsal({ stack: base.stack, overrides: [...base.overrides, ...stageOverrides] });
        await applySecurityGroups(stack, plan);
        deliver(stack, plan, stack.certificates);
        const applied = await applyOn(stack, stage.order());
        await sleep(3000);
        const failed = streams.requests.filter((r) => !r.ok).length - failedBefore;
        lines.push(`${stage.migration ?? "done"}: ${applied.join(", ")}, ${failed} failed`);
        // The migration's rule: the next up only once every server applied this one.
        if (!noneFailed(applied)) {
            lines.push("later stages not tried");
            break;
        }
    }
    await streams.stop();

    const failedRequests = streams.requests.filter((r) => !r.ok);
    const written = streams.inserts.filter((i) => i.ok).length;
    const rows = db ? await rowsAccount(stack, db, rowsBefore, written) : { lost: 0, line: "rows: n/a (RDS is not booted)" };
    // What the hop is now: HAProxy's server lines, and each app server's ports as the load balancer sees them.
    const cfg = fs.readFileSync(path.join(stack.lb.fs, "etc/haproxy/haproxy.cfg"), "utf8");
    const serverLines = cfg.split("\n").filter((l) => /^\s+server app-/.test(l));
    const verified = serverLines.length === stack.apps.length && serverLines.every((l) => / ssl verify required /.test(l) === (to === "tls"));
    const ports: string[] = [];
    let portsRight = true;
    for (const app of stack.apps) {
        const served = await getFromLb(stack, app, "/healthz", 5);
        const old = await tcpProbe(stack.lb.ns, app.server.privateIp, backendPort(from));
        portsRight &&= served.status === 200 && old !== "open";
        ports.push(`${app.server.key} ${to} :${backendPort(to)} ${served.status || served.error.slice(0, 60)}, ${from} :${backendPort(from)} ${old}`);
    }
    const ok = failedRequests.length === 0 && rows.lost === 0 && verified && portsRight && noneFailed(lines);
    return verdict(
        "change.backend-hop",
        ok,
        `${from} → ${to} in three ups: ${streams.requests.length} requests, ${failedRequests.length} failed${failedRequests.length ? ` (${failedRequests[0].error.slice(0, 120)})` : ""}; ${rows.line}; ` +
            `HAProxy dials ${to}${to === "tls" ? " verified" : ""} on every server line: ${verified ? "yes" : `NO (${serverLines.join(" | ").slice(0, 200)})`}; ${ports.join("; ")}; stages: ${lines.join("; ")}`,
    );
}

async function countRows(stack: BootedStack, db: ServerRoot): Promise<number> {
    await mustSql(appSql(stack, stack.apps[0], db.server.fqdn, "CREATE TABLE IF NOT EXISTS rehearsal_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)"), "create table");
    return Number(await mustSql(appSql(stack, stack.apps[0], db.server.fqdn, "SELECT COUNT(*) FROM rehearsal_rows"), "count rows"));
}

/** Rows written during a change against what the primary and (once caught up) the replica hold. */
async function rowsAccount(stack: BootedStack, db: ServerRoot, rowsBefore: number, written: number): Promise<{ lost: number; line: string }> {
    const rowsAfter = await countRows(stack, db);
    let lost = rowsBefore + written - rowsAfter;
    let replicaLine = "";
    const dbPeer = stack.replica;
    if (dbPeer) {
        // The replica may reconnect (MASTER_CONNECT_RETRY) after its primary's TLS context changed: wait for it.
        const started = Date.now();
        let onReplica = 0;
        while (Date.now() - started < 90000) {
            onReplica = Number(await mustSql(appSql(stack, stack.apps[0], dbPeer.server.fqdn, "SELECT COUNT(*) FROM rehearsal_rows"), "count rows on the replica"));
            if (onReplica === rowsAfter) break;
            await sleep(500);
        }
        const status = await slaveStatus(dbPeer);
        replicaLine = `, replica has ${onReplica}/${rowsAfter} after ${((Date.now() - started) / 1000).toFixed(1)} s (IO ${status.Slave_IO_Running}, SQL ${status.Slave_SQL_Running}${status.Last_IO_Error ? `, last IO error: ${status.Last_IO_Error.slice(0, 160)}` : ""})`;
        if (onReplica !== rowsAfter) lost += rowsAfter - onReplica;
    }
    return { lost, line: `rows: ${written} written, ${lost} lost${replicaLine}` };
}

/** The serial as `openssl x509 -serial` prints it (upper-case hex), from the PEM. */
function serialOf(pem: string): string {
    return new X509Certificate(pem).serialNumber.toUpperCase();
}
