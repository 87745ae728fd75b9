import { X509Certificate } from "crypto";
import * as path from "path";
import { shellQuote } from "../render/quote";
import { renderServerBundle } from "../components/cloudinit/renderServerBundle";
import { APPLIER_UNIT } from "../components/servers/renderBootstrap";
import { buildServerFiles, PORTS, ServerFiles } from "../components/servers/serverFiles";
import { buildStackFacts } from "../components/servers/stackFacts";
import { IssuedCertificates, signedBy } from "./certificates";
import { run, sleep } from "./exec";
import { CLIENT_NS, LB_PUBLIC_IP } from "./namespaces";
import { appSql, getThroughLb, mustSql, site, slaveStatus } from "./probes";
import { CheckResult, notApplicable, verdict } from "./report";
import { ServerRoot } from "./roots";
import { BootedStack } from "./stack";
import { inServer } from "./units";

/**
 * The day-2 drill: a change delivered to the booted stack by the same path as production — new
 * secret versions in the SSM stand-in and new bundle versions in the S3 stand-in, then each
 * server's own applier (`systemctl start webstack-apply`, as an operator or the timer would) —
 * under a steady request stream and a steady stream of writes.
 */
export async function runDrill(stack: BootedStack, log: (line: string) => void): Promise<CheckResult[]> {
    log("drill: change.certificate-renewal…");
    const results = [await certificateRenewal(stack)];
    // Not built yet: scale-out needs a container added to the running stack (its namespace, the
    // security-group mirror, a stand-in principal); the hop switch needs a rolling order
    // (one app server, the load balancer, the rest) and both backend ports allowed meanwhile.
    results.push(notApplicable("change.scale-out", "not rehearsed yet: adding a server to a booted stack is not built (NOT VERIFIED)"));
    results.push(notApplicable("change.backend-hop", "not rehearsed yet: the rolling hop switch is not built (NOT VERIFIED)"));
    return results;
}

interface Streams {
    requests: { ok: boolean; error: string }[];
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
            requests.push({ ok: r.status === 200, error: r.status === 200 ? "" : `${r.status} ${r.error}`.trim() });
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
        leaves[spec.id] = await signedBy(spec, stack.plan.key, stack.certificates.ca, dir);
    }
    return { ca: stack.certificates.ca, leaves };
}

async function certificateRenewal(stack: BootedStack): Promise<CheckResult> {
    const { topology } = stack.plan;
    const db = stack.primary;
    const dbPeer = stack.replica;
    const frontendBefore = await servedSerial(CLIENT_NS, `${LB_PUBLIC_IP}:443`, site(stack));
    const dbBefore = db && dbPeer ? await servedSerial(dbPeer.ns, `${db.server.privateIp}:${PORTS.mysql}`, db.server.fqdn, "mysql") : undefined;
    if (db) await mustSql(appSql(stack, stack.apps[0], db.server.fqdn, "CREATE TABLE IF NOT EXISTS rehearsal_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)"), "create table");
    const rowsBefore = db ? Number(await mustSql(appSql(stack, stack.apps[0], db.server.fqdn, "SELECT COUNT(*) FROM rehearsal_rows"), "count rows")) : 0;

    const streams = startStreams(stack, db, "renewal");
    await sleep(2000);
    // What `pulumi up` does on a renewal: new keys in SSM (new versions), new certificates in the bundles.
    const renewed = await renewLeaves(stack);
    for (const server of topology.servers) {
        const leaf = renewed.leaves[server.role === "load-balancer" ? "frontend" : server.key];
        if (leaf) stack.aws.putParameter(stack.facts.parameters.tlsKey(server.key), leaf.keyPem);
    }
    const facts = buildStackFacts({
        config: stack.plan.config,
        stack: stack.plan.stack,
        region: stack.plan.region,
        topology,
        certificates: {
            internalCaPem: renewed.ca.certificatePem,
            frontendChainPem: renewed.leaves.frontend.certificatePem + renewed.ca.certificatePem,
            serverCertificatePem: Object.fromEntries(topology.servers.filter((s) => renewed.leaves[s.key]).map((s) => [s.key, renewed.leaves[s.key].certificatePem])),
        },
        managedDatabase: stack.facts.database.managed ? { writerHost: stack.facts.database.writerHost, readerHost: stack.facts.database.readerHost, masterSecretArn: stack.facts.database.masterSecretArn ?? "" } : undefined,
        dataVolumeIds: stack.facts.dataVolumeIds,
    });
    const files: Record<string, ServerFiles> = Object.fromEntries(topology.servers.map((s) => [s.key, buildServerFiles(s, facts)]));
    for (const server of topology.servers) stack.aws.putObject({ ...stack.bundles[server.key], body: renderServerBundle(files[server.key]) });

    // Each server applies it: databases first, then the app servers, then the load balancer.
    const order = [...topology.databaseServers, ...topology.appServers.filter((s) => !s.database), topology.loadBalancer];
    const applied: string[] = [];
    for (const server of order) {
        const root = stack.roots[server.key];
        const out = await run(inServer(root, ["systemctl", "start", APPLIER_UNIT]), { timeoutMs: 180000 });
        const result = await run(inServer(root, ["cat", "/var/lib/webstack/apply/last-result.json"]), { timeoutMs: 15000 });
        const message = (JSON.parse(result.stdout || "{}") as { message?: string }).message ?? "";
        applied.push(`${server.key} ${out.code === 0 ? "applied" : `FAILED (${message.slice(0, 200)})`}`);
    }
    await sleep(3000);
    await streams.stop();

    const frontendAfter = await servedSerial(CLIENT_NS, `${LB_PUBLIC_IP}:443`, site(stack));
    const dbAfter = db && dbPeer ? await servedSerial(dbPeer.ns, `${db.server.privateIp}:${PORTS.mysql}`, db.server.fqdn, "mysql") : undefined;
    const failedRequests = streams.requests.filter((r) => !r.ok);
    const written = streams.inserts.filter((i) => i.ok).length;
    let lost = 0;
    let replicaLine = "";
    if (db) {
        const rowsAfter = Number(await mustSql(appSql(stack, stack.apps[0], db.server.fqdn, "SELECT COUNT(*) FROM rehearsal_rows"), "count rows"));
        lost = rowsBefore + written - rowsAfter;
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
    }
    const expectedFrontend = serialOf(renewed.leaves.frontend.certificatePem);
    const frontendRenewed = frontendAfter.toUpperCase() === expectedFrontend;
    const dbRenewed = !db || (dbAfter !== undefined && dbAfter.toUpperCase() === serialOf(renewed.leaves[db.server.key].certificatePem));
    const ok = failedRequests.length === 0 && lost === 0 && frontendRenewed && dbRenewed && applied.every((a) => a.endsWith("applied")) && streams.requests.length > 0;
    return verdict(
        "change.certificate-renewal",
        ok,
        `${streams.requests.length} requests, ${failedRequests.length} failed${failedRequests.length ? ` (${failedRequests[0].error.slice(0, 120)})` : ""}; ` +
            (db ? `rows: ${written} written, ${lost} lost${replicaLine}; ` : "rows: n/a (RDS is not booted); ") +
            `frontend serial ${frontendBefore} → ${frontendAfter} (client sees the new certificate: ${frontendRenewed ? "yes" : "NO"})` +
            (db ? `, ${db.server.key} MariaDB serial ${dbBefore} → ${dbAfter} (${dbRenewed ? "FLUSH SSL took it" : "NOT RENEWED"})` : "") +
            `; ${applied.join(", ")}`,
    );
}

/** The serial as `openssl x509 -serial` prints it (upper-case hex), from the PEM. */
function serialOf(pem: string): string {
    return new X509Certificate(pem).serialNumber.toUpperCase();
}
