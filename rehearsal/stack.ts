import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { backendPort, buildServerFiles, ServerFiles, StackFacts } from "../components/servers/serverFiles";
import { buildStackFacts } from "../components/servers/stackFacts";
import { primaryDatabase, replicaDatabase, ServerPlan } from "../components/servers/topology";
import { secretParameterNames } from "../components/secrets/parameterNames";
import { issueCertificates, IssuedCertificates } from "./certificates";
import { applyHostFirewall, Daemons, initializeDatabase, runDatabaseBootstrap, startApp, startDatabase, startHaproxy, startNginx, startSshListener } from "./daemons";
import { must } from "./exec";
import { CLIENT_IP, CLIENT_NS, createNetwork, destroyNetwork, Endpoint, LB_PUBLIC_IP, ROUTER_NS, serverNamespace } from "./namespaces";
import { RehearsalPlan } from "./plan";
import { buildServerRoot, HostChanges, prepareHost, restoreHost, ServerRoot } from "./roots";
import { allowedFlows, renderRouterRuleset } from "./securityGroups";

/** A booted stack: what the checks, faults and benchmark work against. */
export interface BootedStack {
    plan: RehearsalPlan;
    facts: StackFacts;
    runDir: string;
    certificates: IssuedCertificates;
    roots: Record<string, ServerRoot>;
    files: Record<string, ServerFiles>;
    daemons: Daemons;
    /** Passwords written where SSM would have put them, by parameter name. */
    passwords: Record<string, string>;
    lb: ServerRoot;
    apps: ServerRoot[];
    primary?: ServerRoot;
    replica?: ServerRoot;
    routerRuleset: string;
    /** Seconds each boot phase took. */
    timings: Record<string, number>;
}

export const RUN_DIR_PREFIX = path.join(os.tmpdir(), "wsr-");
const LOCK_FILE = "/run/webstack-rehearsal.lock";

const randomPassword = () => crypto.randomBytes(32).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 24);

/** Holds the machine-wide lock: one rehearsal at a time (namespaces and addresses are fixed). */
export function acquireLock(): void {
    if (fs.existsSync(LOCK_FILE)) {
        const pid = Number(fs.readFileSync(LOCK_FILE, "utf8"));
        let alive = false;
        try {
            process.kill(pid, 0);
            alive = pid !== process.pid;
        } catch {
            alive = false;
        }
        if (alive) throw new Error(`another rehearsal (pid ${pid}) is running; ${LOCK_FILE} is held`);
    }
    fs.writeFileSync(LOCK_FILE, String(process.pid));
}

export function releaseLock(): void {
    if (fs.existsSync(LOCK_FILE) && fs.readFileSync(LOCK_FILE, "utf8") === String(process.pid)) fs.rmSync(LOCK_FILE);
}

/** Teardown state that exists before the stack is fully booted. */
export interface TeardownState {
    daemons: Daemons;
    runDir?: string;
    host?: HostChanges;
}

/**
 * Boots the stack: certificates, namespaces and the router's security-group mirror, each
 * server's filesystem, host firewalls, then the daemons in boot order (database, bootstrap
 * on primary then replica, nginx + app, load balancer).
 */
export async function bootStack(plan: RehearsalPlan, state: TeardownState, log: (line: string) => void): Promise<BootedStack> {
    const timings: Record<string, number> = {};
    const phase = async <T>(name: string, body: () => Promise<T>): Promise<T> => {
        const started = Date.now();
        log(`boot: ${name}…`);
        const value = await body();
        timings[name] = (Date.now() - started) / 1000;
        return value;
    };
    const runDir = fs.mkdtempSync(RUN_DIR_PREFIX);
    state.runDir = runDir;
    fs.chmodSync(runDir, 0o755);
    const { topology, config } = plan;

    const certificates = await phase("certificates (openssl, to the program's specs)", () => issueCertificates(plan.certificates, plan.key, path.join(runDir, "pki")));
    const managed = config.database.placement === "rds";
    const facts = buildStackFacts({
        config,
        stack: plan.stack,
        region: plan.region,
        topology,
        certificates: {
            internalCaPem: certificates.ca.certificatePem,
            frontendChainPem: certificates.leaves.frontend.certificatePem + certificates.ca.certificatePem,
            serverCertificatePem: Object.fromEntries(topology.servers.filter((s) => certificates.leaves[s.key]).map((s) => [s.key, certificates.leaves[s.key].certificatePem])),
        },
        // RDS is not booted; the app servers are rendered against stand-in endpoint names.
        managedDatabase: managed
            ? { writerHost: `webstack-db.rds-not-booted.invalid`, readerHost: `webstack-db-replica.rds-not-booted.invalid`, masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-not-booted" }
            : undefined,
    });

    const parameters = secretParameterNames(plan.stack);
    const passwords: Record<string, string> = {
        [parameters.mysqlRootPassword]: randomPassword(),
        [parameters.mysqlReplicationPassword]: randomPassword(),
        [parameters.mysqlAppPassword]: randomPassword(),
    };
    const secretValue = (parameter: string): string => {
        if (passwords[parameter]) return passwords[parameter];
        for (const server of topology.servers) {
            if (parameter === parameters.tlsKey(server.key)) {
                return certificates.leaves[server.role === "load-balancer" ? "frontend" : server.key].keyPem;
            }
        }
        throw new Error(`no rehearsal value for secret parameter ${parameter}`);
    };

    state.host = await phase("host preparation", () => prepareHost());

    const hosts = ["127.0.0.1 localhost", ...topology.servers.map((s) => `${s.privateIp} ${s.fqdn} ${s.key}`)].join("\n") + "\n";
    const endpoints: Endpoint[] = [
        ...topology.servers.map((s) => ({ ns: serverNamespace(s.key), routerIf: `r-${s.key}`.slice(0, 15), address: s.privateIp, hosts })),
        { ns: CLIENT_NS, routerIf: "r-client", address: CLIENT_IP, hosts: `127.0.0.1 localhost\n${LB_PUBLIC_IP} www.${config.domain} ${config.domain}\n` },
    ];
    const routerRuleset = renderRouterRuleset(allowedFlows(plan.instances, plan.groupRules, CLIENT_IP), LB_PUBLIC_IP, topology.loadBalancer.privateIp);
    await phase("network namespaces + security-group mirror", async () => {
        await createNetwork(endpoints);
        fs.writeFileSync(path.join(runDir, "router.nft"), routerRuleset);
        await must(["ip", "netns", "exec", ROUTER_NS, "nft", "-f", path.join(runDir, "router.nft")]);
    });

    const files: Record<string, ServerFiles> = {};
    const roots: Record<string, ServerRoot> = {};
    await phase("server filesystems + host firewalls", async () => {
        for (const server of topology.servers) {
            files[server.key] = buildServerFiles(server, facts);
            roots[server.key] = await buildServerRoot(runDir, serverNamespace(server.key), server, files[server.key], secretValue);
            await applyHostFirewall(roots[server.key]);
        }
    });
    const daemons = state.daemons;
    const rootOf = (s: ServerPlan | undefined) => (s ? roots[s.key] : undefined);
    const primary = rootOf(primaryDatabase(topology));
    const replica = rootOf(replicaDatabase(topology));

    if (primary && replica) {
        await phase("mariadb-install-db (both)", () => Promise.all([initializeDatabase(primary), initializeDatabase(replica)]));
        await phase("mariadbd (both)", () => Promise.all([startDatabase(primary, daemons), startDatabase(replica, daemons)]));
        await phase("webstack-db-bootstrap (primary, then replica)", async () => {
            await runDatabaseBootstrap(primary);
            await runDatabaseBootstrap(replica);
        });
    }
    const apps = topology.appServers.map((s) => roots[s.key]);
    await phase("nginx + app on every app server", () =>
        Promise.all(apps.map(async (root) => Promise.all([startNginx(root, daemons, backendPort(config.backendHop)), startApp(root, daemons)]))),
    );
    const lb = roots[topology.loadBalancer.key];
    await phase("haproxy", () => startHaproxy(lb, daemons));
    await phase("ssh stand-in listeners", () => Promise.all(Object.values(roots).map((root) => startSshListener(root, daemons))));

    return { plan, facts, runDir, certificates, roots, files, daemons, passwords, lb, apps, primary, replica, routerRuleset, timings };
}

/** Stops every daemon, deletes the namespaces, the run's files and host changes. Never throws. */
export async function teardown(state: TeardownState): Promise<string[]> {
    const problems: string[] = [];
    try {
        await state.daemons.stopAll();
    } catch (error) {
        problems.push(`stopping daemons: ${String(error)}`);
    }
    try {
        problems.push(...(await destroyNetwork()));
    } catch (error) {
        problems.push(`deleting namespaces: ${String(error)}`);
    }
    if (state.runDir) fs.rmSync(state.runDir, { recursive: true, force: true });
    if (state.host) problems.push(...(await restoreHost(state.host)));
    return problems;
}
