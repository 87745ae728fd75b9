import * as fs from "fs";
import * as path from "path";
import { backendPort, DATA_VOLUME, HSTS_MAX_AGE_SECONDS, PATHS, PORTS } from "../model";
import { signedBy, selfSigned } from "./certificates";
import { run, sleep, waitFor } from "./exec";
import { CLIENT_NS, LB_PUBLIC_IP, ROUTER_NS } from "./namespaces";
import { appSql, backendStatus, caFile, clientCurl, frontendRequests, getFromLb, getThroughLb, mustSql, PortState, prometheusMetrics, rootSql, site, slaveStatus, tcpProbe } from "./probes";
import { CheckResult, guarded, notApplicable, passed, verdict } from "./report";
import { readEnvFile, ServerRoot } from "./roots";
import { APP_ENV_FILE } from "../render/app";
import { BootedStack } from "./stack";
import { inServer, mustSystemctl } from "./units";
import { checkCloudInit, checkUnits } from "./bootChecks";
import { checkLeastPrivilege } from "./secretChecks";

/** The app unit's User= (renderAppUnit). */
const APP_UNIT_USER = "webstack-app";

/** Every check of the booted stack, in report order. Each yields one or more report lines. */
export async function runChecks(stack: BootedStack, log: (line: string) => void): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    const checks: [string, (s: BootedStack) => Promise<CheckResult | CheckResult[]>][] = [
        ["boot.cloud-init", checkCloudInit],
        ["boot.units", checkUnits],
        ["secrets.least-privilege", checkLeastPrivilege],
        ["config.haproxy", checkHaproxyConfig],
        ["config.nginx", checkNginxConfig],
        ["frontend.https-verified", checkHttpsVerified],
        ["frontend.legacy-tls-refused", checkLegacyTlsRefused],
        ["frontend.http-redirect", checkHttpRedirect],
        ["frontend.hsts", checkHsts],
        ["lb.spread", checkSpread],
        ["backend.hop", checkBackendHop],
        ["backend.rogue-cert-refused", checkRogueBackend],
        ["db.replication", checkReplication],
        ["db.replica-read-only", checkReplicaReadOnly],
        ["db.data-volume", checkDataVolume],
        ["db.replication-tls", checkReplicationTls],
        ["db.plaintext-refused", checkDatabasePlaintextRefused],
        ["app.database", checkAppDatabase],
        ["firewall.client-sees-only-lb", checkClientReach],
        ["firewall.backend-only-from-lb", checkBackendReach],
        ["firewall.db-only-from-app", checkDatabaseReach],
        ["firewall.ssh-nowhere", checkSsh],
        ["firewall.host-layer-alone", checkHostFirewallAlone],
        ["monitoring.prometheus", checkPrometheus],
    ];
    for (const [id, check] of checks) {
        log(`check: ${id}…`);
        results.push(...(await guarded(id, () => check(stack))));
    }
    return results;
}

async function checkHaproxyConfig(stack: BootedStack): Promise<CheckResult> {
    const out = await run(inServer(stack.lb, ["haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg"]));
    return verdict("config.haproxy", out.code === 0, `haproxy -c on the rendered haproxy.cfg: exit ${out.code} ${(out.stdout + out.stderr).trim().split("\n").pop()}`);
}

async function checkNginxConfig(stack: BootedStack): Promise<CheckResult> {
    const outs = await Promise.all(stack.apps.map((root) => run(inServer(root, ["nginx", "-t"]))));
    const bad = outs.map((o, i) => ({ o, key: stack.apps[i].server.key })).filter(({ o }) => o.code !== 0);
    return verdict(
        "config.nginx",
        bad.length === 0,
        bad.length ? bad.map(({ key, o }) => `${key}: ${o.stderr.trim()}`).join("; ") : `nginx -t accepts the rendered site on ${stack.apps.map((a) => a.server.key).join(", ")}`,
    );
}

async function checkHttpsVerified(stack: BootedStack): Promise<CheckResult> {
    const names = [site(stack), stack.plan.config.domain];
    const outcomes = await Promise.all(
        names.map(async (name) => {
            const out = await clientCurl(stack, ["--cacert", caFile(stack), "-o", "/dev/null", "-w", "%{http_code} %{ssl_verify_result}", `https://${name}/`]);
            return { name, ok: out.code === 0 && out.stdout.startsWith("200 0"), text: out.code === 0 ? out.stdout : out.stderr.trim() };
        }),
    );
    const noCa = await clientCurl(stack, ["-o", "/dev/null", `https://${site(stack)}/`]);
    const ok = outcomes.every((o) => o.ok) && noCa.code !== 0;
    return verdict(
        "frontend.https-verified",
        ok,
        `client → ${LB_PUBLIC_IP}:443 verified against the internal CA: ${outcomes.map((o) => `${o.name} ${o.text}`).join(", ")}; without the CA curl refuses (exit ${noCa.code})`,
    );
}

async function checkLegacyTlsRefused(stack: BootedStack): Promise<CheckResult> {
    // SECLEVEL=0 lets this client offer TLS 1.0/1.1, so a failure is the server's refusal.
    const attempt = (flag: string) =>
        run(["ip", "netns", "exec", CLIENT_NS, "timeout", "5", "openssl", "s_client", flag, "-cipher", "DEFAULT@SECLEVEL=0", "-connect", `${LB_PUBLIC_IP}:443`, "-servername", site(stack)], {
            timeoutMs: 8000,
        });
    const [tls10, tls11, tls12] = await Promise.all([attempt("-tls1"), attempt("-tls1_1"), attempt("-tls1_2")]);
    const refused = (r: { code: number | null; stdout: string; stderr: string }) => r.code !== 0 && /alert protocol version|unsupported protocol|wrong version/i.test(r.stdout + r.stderr);
    const ok = refused(tls10) && refused(tls11) && tls12.code === 0;
    const why = (r: { stdout: string; stderr: string }) => /alert protocol version|unsupported protocol|wrong version[^\n]*/i.exec(r.stdout + r.stderr)?.[0] ?? "no handshake error seen";
    return verdict("frontend.legacy-tls-refused", ok, `TLS 1.0: ${why(tls10)}; TLS 1.1: ${why(tls11)}; TLS 1.2 control: exit ${tls12.code}`);
}

async function checkHttpRedirect(stack: BootedStack): Promise<CheckResult> {
    const out = await clientCurl(stack, ["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", `http://${site(stack)}/some/path`]);
    const [code, location] = out.stdout.split(" ");
    const ok = code === "301" && location === `https://${site(stack)}/some/path`;
    return verdict("frontend.http-redirect", ok, `http://${site(stack)}/some/path → ${code} Location ${location}`);
}

async function checkHsts(stack: BootedStack): Promise<CheckResult> {
    const out = await clientCurl(stack, ["--cacert", caFile(stack), "-o", "/dev/null", "-D", "-", `https://${site(stack)}/`]);
    const header = /^strict-transport-security: *(.*)$/im.exec(out.stdout)?.[1]?.trim() ?? "";
    return verdict("frontend.hsts", header.includes(`max-age=${HSTS_MAX_AGE_SECONDS}`), `Strict-Transport-Security: ${header || "(absent)"}`);
}

async function checkSpread(stack: BootedStack): Promise<CheckResult> {
    const counts: Record<string, number> = {};
    const total = stack.apps.length * 4;
    for (let i = 0; i < total; i++) {
        const r = await getThroughLb(stack);
        const key = r.status === 200 ? r.servedBy : `status-${r.status}`;
        counts[key] = (counts[key] ?? 0) + 1;
    }
    const ok = stack.apps.every((a) => (counts[a.server.key] ?? 0) > 0) && Object.keys(counts).every((k) => !k.startsWith("status-"));
    return verdict("lb.spread", ok, `${total} requests, X-Served-By: ${JSON.stringify(counts)}`);
}

async function checkBackendHop(stack: BootedStack): Promise<CheckResult> {
    const app = stack.apps[0];
    const port = backendPort(stack.plan.config.backendHop);
    if (stack.plan.config.backendHop === "plaintext") {
        const out = await run(["ip", "netns", "exec", stack.lb.ns, "curl", "-sS", "--max-time", "3", "-D", "-", "-o", "/dev/null", `http://${app.server.privateIp}:${port}/`], { timeoutMs: 6000 });
        const status = /^HTTP\/[\d.]+ (\d+)/m.exec(out.stdout)?.[1];
        return passed(
            "backend.hop",
            `plaintext as configured — DOCUMENTED WEAKNESS: LB → ${app.server.key}:${port} is cleartext HTTP (a plain curl from the LB namespace got ${status ?? "no answer"}); anyone on the path can read or alter it`,
        );
    }
    // With tls: the backend answers only TLS, and its certificate verifies for its own name.
    const verified = await run(
        [
            "ip",
            "netns",
            "exec",
            stack.lb.ns,
            "curl",
            "-sS",
            "--max-time",
            "3",
            "--cacert",
            caFile(stack),
            "--resolve",
            `${app.server.fqdn}:${port}:${app.server.privateIp}`,
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            `https://${app.server.fqdn}:${port}/healthz`,
        ],
        { timeoutMs: 6000 },
    );
    const plain = await run(["ip", "netns", "exec", stack.lb.ns, "curl", "-sS", "--max-time", "3", "-o", "/dev/null", "-w", "%{http_code}", `http://${app.server.privateIp}:${port}/`], {
        timeoutMs: 6000,
    });
    const cfg = fs.readFileSync(path.join(stack.lb.fs, "etc/haproxy/haproxy.cfg"), "utf8");
    const everyServerVerifies = stack.apps.every((a) => new RegExp(`server ${a.server.key} .* ssl verify required ca-file \\S+ verifyhost ${a.server.fqdn.replace(/\./g, "\\.")}`).test(cfg));
    const ok = verified.stdout === "200" && plain.stdout !== "200" && everyServerVerifies;
    return verdict(
        "backend.hop",
        ok,
        `tls: ${app.server.key}:${port} serves /healthz over TLS verified for ${app.server.fqdn} (${verified.stdout || verified.stderr.trim()}); plain HTTP there gets ${plain.stdout || "no answer"}; haproxy.cfg verifies every server: ${everyServerVerifies}`,
    );
}

/** Swaps one backend's certificate for one from a rogue CA (same names), reloads nginx and watches HAProxy refuse it. */
async function checkRogueBackend(stack: BootedStack): Promise<CheckResult> {
    if (stack.plan.config.backendHop !== "tls") {
        return notApplicable("backend.rogue-cert-refused", "backend hop is plaintext: HAProxy verifies nothing (the documented weakness)");
    }
    const victim = stack.apps[stack.apps.length - 1];
    const pki = path.join(stack.runDir, "rogue-pki");
    const caSpec = stack.plan.certificates.find((c) => c.isCa)!;
    const leafSpec = stack.plan.certificates.find((c) => c.id === victim.server.key)!;
    const rogueCa = await selfSigned({ ...caSpec, id: "rogue-ca", commonName: "rogue CA", organization: "not webstack" }, stack.plan.keySpec, pki);
    const rogueLeaf = await signedBy(leafSpec, stack.plan.keySpec, rogueCa, pki);
    const certFile = path.join(victim.fs, PATHS.serverCertificate);
    const keyFile = path.join(victim.fs, PATHS.serverKey);
    const original = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
    const swap = async (cert: Buffer | string, key: Buffer | string) => {
        fs.writeFileSync(certFile, cert);
        fs.writeFileSync(keyFile, key);
        await mustSystemctl(victim, ["reload", "nginx"]);
    };
    const name = victim.server.key;
    try {
        await swap(rogueLeaf.certificatePem, rogueLeaf.keyPem);
        const started = Date.now();
        const down = await waitFor(`HAProxy to mark ${name} DOWN`, 20000, async () => ((await backendStatus(stack))[name]?.startsWith("DOWN") ? true : undefined));
        const downAfter = (Date.now() - started) / 1000;
        const served: Record<string, number> = {};
        let failures = 0;
        for (let i = 0; i < stack.apps.length * 3; i++) {
            const r = await getThroughLb(stack);
            if (r.status === 200) served[r.servedBy] = (served[r.servedBy] ?? 0) + 1;
            else failures++;
        }
        const checkLog = await run(["ip", "netns", "exec", stack.lb.ns, "curl", "-sS", "--max-time", "3", `http://127.0.0.1:${PORTS.haproxyStats}/stats;csv`], { timeoutMs: 6000 });
        const lastCheck =
            checkLog.stdout
                .split("\n")
                .find((l) => l.startsWith(`app-servers,${name},`))
                ?.split(",")[36] ?? "";
        const ok = down === true && !served[name] && failures === 0;
        return verdict(
            "backend.rogue-cert-refused",
            ok,
            `${name} re-keyed with a rogue-CA certificate for ${victim.server.fqdn}: HAProxy marked it DOWN after ${downAfter.toFixed(1)} s (check: ${lastCheck || "?"}); ${stack.apps.length * 3} requests served by ${JSON.stringify(served)}, ${failures} failed`,
        );
    } finally {
        await swap(original.cert, original.key);
        await waitFor(`HAProxy to mark ${name} UP again`, 20000, async () => ((await backendStatus(stack))[name] === "UP" ? true : undefined));
    }
}

const selfManaged = (stack: BootedStack) => stack.primary !== undefined && stack.replica !== undefined;
const rdsNotApplicable = (id: string) => notApplicable(id, "database placement rds: Amazon RDS is not booted in the rehearsal");

async function checkReplication(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("db.replication");
    const app = stack.apps[0];
    const marker = `rehearsal-${Date.now()}`;
    await mustSql(
        appSql(
            stack,
            app,
            stack.primary!.server.fqdn,
            `CREATE TABLE IF NOT EXISTS rehearsal_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL); INSERT INTO rehearsal_rows (note) VALUES ('${marker}')`,
        ),
        "insert on the primary",
    );
    const started = Date.now();
    await waitFor("the row on the replica", 15000, async () => {
        const out = await appSql(stack, app, stack.replica!.server.fqdn, `SELECT COUNT(*) FROM rehearsal_rows WHERE note = '${marker}'`);
        return out.stdout.trim() === "1" ? true : undefined;
    });
    return passed(
        "db.replication",
        `row written as webapp on ${stack.primary!.server.key} (primary) read back on ${stack.replica!.server.key} (replica) after ${((Date.now() - started) / 1000).toFixed(2)} s`,
    );
}

async function checkReplicaReadOnly(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("db.replica-read-only");
    const out = await appSql(stack, stack.apps[0], stack.replica!.server.fqdn, "INSERT INTO rehearsal_rows (note) VALUES ('must-not-land')");
    const readOnly = await mustSql(rootSql(stack.replica!, "SELECT @@read_only"), "read_only");
    const ok = out.code !== 0 && /read-only|read_only|1290/i.test(out.stderr) && readOnly === "1";
    return verdict(
        "db.replica-read-only",
        ok,
        `INSERT as webapp over TLS on the replica: ${out.code === 0 ? "ACCEPTED" : out.stderr.trim().split("\n").pop()}; @@read_only=${readOnly} (root keeps READ ONLY ADMIN in MariaDB, so the app user is what is tested)`,
    );
}

/** Each self-managed database keeps its data directory on its own data volume, mounted by label. */
async function checkDataVolume(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("db.data-volume");
    const lines: string[] = [];
    let ok = true;
    for (const root of [stack.primary!, stack.replica!]) {
        const mount = await root.container!.run(["findmnt", "-n", "-o", "SOURCE,LABEL,FSTYPE", DATA_VOLUME.mountPoint], { timeoutMs: 30000 });
        const [source, label, fstype] = mount.stdout.trim().split(/\s+/);
        const datadir = await mustSql(rootSql(root, "SELECT @@datadir"), "datadir");
        const good = mount.code === 0 && label === DATA_VOLUME.label && source === root.devices?.[0] && datadir.replace(/\/$/, "") === DATA_VOLUME.mountPoint;
        ok &&= good;
        lines.push(`${root.server.key}: ${DATA_VOLUME.mountPoint} ${mount.code === 0 ? `on ${source} (${fstype}, label ${label})` : "NOT MOUNTED"}, datadir ${datadir}`);
    }
    return verdict("db.data-volume", ok, lines.join("; "));
}

async function checkReplicationTls(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("db.replication-tls");
    const status = await slaveStatus(stack.replica!);
    const cipher = await mustSql(appSql(stack, stack.apps[0], stack.primary!.server.fqdn, "SHOW SESSION STATUS LIKE 'Ssl_cipher'"), "app session cipher");
    const ok =
        status.Slave_IO_Running === "Yes" &&
        status.Slave_SQL_Running === "Yes" &&
        status.Master_SSL_Allowed === "Yes" &&
        status.Master_SSL_Verify_Server_Cert === "Yes" &&
        status.Master_Host === stack.primary!.server.fqdn;
    return verdict(
        "db.replication-tls",
        ok,
        `replica → ${status.Master_Host}: IO ${status.Slave_IO_Running}, SQL ${status.Slave_SQL_Running}, Master_SSL_Allowed ${status.Master_SSL_Allowed}, Master_SSL_Verify_Server_Cert ${status.Master_SSL_Verify_Server_Cert}, Using_Gtid ${status.Using_Gtid}; app session ${cipher.replace(/\s+/g, " ")}`,
    );
}

async function checkDatabasePlaintextRefused(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("db.plaintext-refused");
    const out = await appSql(stack, stack.apps[0], stack.primary!.server.fqdn, "SELECT 1", { tls: false });
    return verdict("db.plaintext-refused", out.code !== 0, `webapp without TLS: ${out.code === 0 ? "ACCEPTED" : out.stderr.trim()}`);
}

async function checkAppDatabase(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("app.database");
    const seen: Record<string, string> = {};
    for (const app of stack.apps) {
        const r = await getFromLb(stack, app, "/db.json", 10);
        const report = JSON.parse(r.body || "{}") as {
            server?: string;
            writer?: { ok: boolean; host?: string; read_only?: boolean; error?: string };
            reader?: { ok: boolean; host?: string; read_only?: boolean; error?: string };
        };
        const good = report.server === app.server.key && report.writer?.ok && report.reader?.ok && report.writer.read_only === false && report.reader.read_only === true;
        const health = (await getFromLb(stack, app, "/healthz", 5)).status;
        seen[app.server.key] = good
            ? `writer ${report.writer!.host} rw, reader ${report.reader!.host} ro`
            : `BAD ${r.status} ${r.body || r.error} (/healthz ${health}; ${await appReadsPassword(app)})`;
    }
    // The diagnostic is internal: through the public frontend it must not be served.
    const publicPage = await getThroughLb(stack, "/db.json", 10);
    const ok = stack.apps.every((a) => !seen[a.server.key].startsWith("BAD")) && publicPage.status === 404;
    return verdict(
        "app.database",
        ok,
        `/db.json from the LB to each backend (verified TLS to both databases): ${Object.entries(seen)
            .map(([k, v]) => `${k}: ${v}`)
            .join("; ")}; through the public frontend: ${publicPage.status || publicPage.error}`,
    );
}

/** Whether the app's user can read its database password file, as the unit runs it (User=webstack-app). */
async function appReadsPassword(app: ServerRoot): Promise<string> {
    const env = readEnvFile(app, APP_ENV_FILE);
    const file = Object.entries(env).find(([k]) => /PASSWORD_FILE$/.test(k))?.[1] ?? "?";
    const out = await run(inServer(app, ["runuser", "-u", APP_UNIT_USER, "--", "head", "-c", "0", file]), { timeoutMs: 10000 });
    const modes = await run(inServer(app, ["stat", "-c", "%n %U:%G %a", path.posix.dirname(file), file]), { timeoutMs: 10000 });
    return `${APP_UNIT_USER} reading ${file}: ${out.code === 0 ? "ok" : out.stderr.trim().replace(/^head: /, "")} [${modes.stdout.trim().replace(/\n/g, ", ")}]`;
}

interface Expectation {
    from: string;
    fromNs: string;
    to: ServerRoot;
    host?: string;
    port: number;
    open: boolean;
}

async function probeAll(expectations: Expectation[]): Promise<{ ok: boolean; lines: string[] }> {
    const states: PortState[] = await Promise.all(expectations.map((e) => tcpProbe(e.fromNs, e.host ?? e.to.server.privateIp, e.port)));
    // Dozens of probes start at once; on a loaded machine one may not even have connected within
    // its 2 s. An open port answers at once when asked alone: a port expected open that seemed
    // filtered is asked again, alone, with 10 s. A closed port stays filtered either way.
    for (const [i, e] of expectations.entries()) {
        if (e.open && states[i] === "filtered") states[i] = await tcpProbe(e.fromNs, e.host ?? e.to.server.privateIp, e.port, 10);
    }
    const wrong = expectations.map((e, i) => ({ e, state: states[i] })).filter(({ e, state }) => (state === "open") !== e.open);
    return {
        ok: wrong.length === 0,
        lines: wrong.map(({ e, state }) => `${e.from} → ${e.to.server.key}:${e.port} is ${state}, expected ${e.open ? "open" : "closed"}`),
    };
}

const summarize = (expectations: Expectation[]) => `${expectations.filter((e) => e.open).length} open + ${expectations.filter((e) => !e.open).length} closed as expected`;

async function checkClientReach(stack: BootedStack): Promise<CheckResult> {
    const expectations: Expectation[] = [
        { from: "client", fromNs: CLIENT_NS, to: stack.lb, host: LB_PUBLIC_IP, port: PORTS.http, open: true },
        { from: "client", fromNs: CLIENT_NS, to: stack.lb, host: LB_PUBLIC_IP, port: PORTS.https, open: true },
        ...[PORTS.ssh, PORTS.haproxyStats].map((port) => ({ from: "client", fromNs: CLIENT_NS, to: stack.lb, host: LB_PUBLIC_IP, port, open: false })),
    ];
    for (const root of Object.values(stack.roots).filter((r) => r !== stack.lb)) {
        for (const port of [PORTS.http, PORTS.https, PORTS.mysql, PORTS.app, PORTS.nginxStatus, PORTS.ssh]) {
            expectations.push({ from: "client", fromNs: CLIENT_NS, to: root, port, open: false });
        }
    }
    const r = await probeAll(expectations);
    return verdict(
        "firewall.client-sees-only-lb",
        r.ok,
        r.ok ? `from ${CLIENT_NS}: only ${LB_PUBLIC_IP}:80/443 answer; app/db ports (80, 443, 3306, 8000, 8081, 22) on every other server do not — ${summarize(expectations)}` : r.lines.join("; "),
    );
}

async function checkBackendReach(stack: BootedStack): Promise<CheckResult> {
    const port = backendPort(stack.plan.config.backendHop);
    const expectations: Expectation[] = [];
    for (const app of stack.apps) {
        expectations.push({ from: "lb", fromNs: stack.lb.ns, to: app, port, open: true });
        for (const other of stack.apps.filter((o) => o !== app)) expectations.push({ from: other.server.key, fromNs: other.ns, to: app, port, open: false });
        expectations.push({ from: "lb", fromNs: stack.lb.ns, to: app, port: PORTS.app, open: false });
    }
    const r = await probeAll(expectations);
    return verdict(
        "firewall.backend-only-from-lb",
        r.ok,
        r.ok ? `nginx :${port} answers the LB only (not other app servers); the app's :${PORTS.app} stays on loopback — ${summarize(expectations)}` : r.lines.join("; "),
    );
}

async function checkDatabaseReach(stack: BootedStack): Promise<CheckResult> {
    if (!selfManaged(stack)) return rdsNotApplicable("firewall.db-only-from-app");
    const expectations: Expectation[] = [];
    for (const db of [stack.primary!, stack.replica!]) {
        for (const app of stack.apps.filter((a) => a !== db)) expectations.push({ from: app.server.key, fromNs: app.ns, to: db, port: PORTS.mysql, open: true });
        expectations.push({ from: "lb", fromNs: stack.lb.ns, to: db, port: PORTS.mysql, open: false });
        expectations.push({ from: "client", fromNs: CLIENT_NS, to: db, port: PORTS.mysql, open: false });
    }
    const r = await probeAll(expectations);
    return verdict(
        "firewall.db-only-from-app",
        r.ok,
        r.ok ? `:3306 on ${stack.primary!.server.key}/${stack.replica!.server.key} answers the app servers only, not the LB or the client — ${summarize(expectations)}` : r.lines.join("; "),
    );
}

async function checkSsh(stack: BootedStack): Promise<CheckResult> {
    if (stack.plan.config.adminCidrs.length > 0) {
        return notApplicable("firewall.ssh-nowhere", `adminCidrs = ${stack.plan.config.adminCidrs.join(", ")}: SSH is meant to be open to them (the rehearsal's client is not in them)`);
    }
    const roots = Object.values(stack.roots);
    const listening = await Promise.all(roots.map((r) => tcpProbe(r.ns, "127.0.0.1", PORTS.ssh)));
    const expectations: Expectation[] = [];
    for (const to of roots) {
        expectations.push({ from: "client", fromNs: CLIENT_NS, to, port: PORTS.ssh, open: false });
        for (const from of roots.filter((r) => r !== to)) expectations.push({ from: from.server.key, fromNs: from.ns, to, port: PORTS.ssh, open: false });
    }
    const r = await probeAll(expectations);
    const control = listening.every((s) => s === "open");
    return verdict(
        "firewall.ssh-nowhere",
        r.ok && control,
        `a listener on :22 answers inside each of ${roots.length} servers (${control ? "yes" : "NO"}), yet none is reachable from the client or any other server — ${r.ok ? summarize(expectations) : r.lines.join("; ")}`,
    );
}

/**
 * Defence in depth: with the router's security-group mirror opened wide for a moment, the
 * host firewalls (the rendered /etc/nftables.conf) still block on their own.
 */
async function checkHostFirewallAlone(stack: BootedStack): Promise<CheckResult> {
    const open = `flush ruleset\ntable ip webstack_router {\n chain prerouting { type nat hook prerouting priority dstnat; policy accept; ip daddr ${LB_PUBLIC_IP} dnat to ${stack.lb.server.privateIp} }\n chain forward { type filter hook forward priority filter; policy accept; }\n}\n`;
    const openFile = path.join(stack.runDir, "router-open.nft");
    const sgFile = path.join(stack.runDir, "router.nft");
    fs.writeFileSync(openFile, open);
    const nft = (file: string) => run(["ip", "netns", "exec", ROUTER_NS, "nft", "-f", file]);
    try {
        await nft(openFile);
        await sleep(100);
        const expectations: Expectation[] = [];
        for (const app of stack.apps) {
            expectations.push({ from: "client", fromNs: CLIENT_NS, to: app, port: backendPort(stack.plan.config.backendHop), open: false });
            expectations.push({ from: "client", fromNs: CLIENT_NS, to: app, port: PORTS.ssh, open: false });
        }
        for (const db of [stack.primary, stack.replica].filter((d): d is ServerRoot => d !== undefined)) {
            expectations.push({ from: "client", fromNs: CLIENT_NS, to: db, port: PORTS.mysql, open: false });
            expectations.push({ from: "lb", fromNs: stack.lb.ns, to: db, port: PORTS.mysql, open: false });
        }
        const r = await probeAll(expectations);
        return verdict(
            "firewall.host-layer-alone",
            r.ok,
            r.ok ? `security-group mirror disabled: the rendered host nftables alone still blocks client → backend/db/ssh and lb → db — ${summarize(expectations)}` : r.lines.join("; "),
        );
    } finally {
        const restored = await nft(sgFile);
        // eslint-disable-next-line no-unsafe-finally -- a router left without its ruleset must fail the run, whatever the check found
        if (restored.code !== 0) throw new Error(`could not restore the router ruleset: ${restored.stderr}`);
    }
}

async function checkPrometheus(stack: BootedStack): Promise<CheckResult> {
    const before = frontendRequests(await prometheusMetrics(stack), "https-in");
    const sent = 10;
    for (let i = 0; i < sent; i++) await getThroughLb(stack);
    const after = frontendRequests(await prometheusMetrics(stack), "https-in");
    const ok = before !== undefined && after !== undefined && after - before >= sent;
    return verdict(
        "monitoring.prometheus",
        ok,
        `127.0.0.1:${PORTS.haproxyStats}/metrics (LB namespace only): haproxy_frontend_http_requests_total{proxy="https-in"} ${before} → ${after} after ${sent} requests`,
    );
}
