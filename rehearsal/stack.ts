import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderServerBundle } from "../render/serverBundle";
import { parseUserDataText } from "../policy-pack/lib/userData";
import { BundleReference, bundleReferences } from "../policy-pack/lib/serverFiles";
import { buildServerFiles, ServerFiles } from "../render/serverFiles";
import { buildStackFacts, ServerPlan, StackFacts, Topology } from "../model";
import { AptProxy, startAptProxy } from "./aptProxy";
import { issueCertificates, IssuedCertificates } from "./certificates";
import { Container } from "./containers";
import { must, run, waitFor } from "./exec";
import { backendStatus } from "./probes";
import { CLIENT_IP, CLIENT_NS, createNetwork, createUplink, destroyNetwork, Endpoint, INTERNET, LB_PUBLIC_IP, ROUTER_NS, serverNamespace, UPLINK_ROUTER_IF } from "./namespaces";
import { RehearsalPlan } from "./plan";
import { ensureRootfs } from "./rootfs";
import { buildServerRoot, rehearsalMounts, ServerRoot, unmountServerRoot } from "./roots";
import { allowedFlows, internetFlows, InternetService, renderRouterRuleset } from "./securityGroups";
import { AwsStandIn, DATADOG_INSTALL_HOST, DatadogStandIn, RDS_TRUSTSTORE_HOST, startStandIns } from "./standIns";

/** A booted stack: what the checks, faults and benchmark work against. */
export interface BootedStack {
    plan: RehearsalPlan;
    facts: StackFacts;
    runDir: string;
    certificates: IssuedCertificates;
    roots: Record<string, ServerRoot>;
    files: Record<string, ServerFiles>;
    /** Where each server's bundle lives, as its user data names it. */
    bundles: Record<string, Required<BundleReference>>;
    /** Every SSM parameter's value, as the program stores it (by parameter name). */
    passwords: Record<string, string>;
    aws: AwsStandIn;
    datadog: DatadogStandIn;
    lb: ServerRoot;
    apps: ServerRoot[];
    primary?: ServerRoot;
    replica?: ServerRoot;
    routerRuleset: string;
    /** Seconds each boot phase took. */
    timings: Record<string, number>;
    /** Seconds cloud-init took on each server (its own start → finish), by server key. */
    cloudInitSeconds: Record<string, number>;
}

export const RUN_DIR_PREFIX = path.join(os.tmpdir(), "wsr-run-");
/** Exactly what mkdtemp(RUN_DIR_PREFIX) creates, so teardown never removes anything else. */
const RUN_DIR_NAME = /^wsr-run-[A-Za-z0-9]{6}$/;
export const LOCK_FILE = "/run/webstack-rehearsal.lock";
/** cloud-init installs every package through the proxy: minutes on a cold cache. */
export const CLOUD_INIT_TIMEOUT_MS = 15 * 60 * 1000;

const randomSecret = () =>
    crypto
        .randomBytes(32)
        .toString("base64")
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(0, 24);

/** Holds the machine-wide lock: one rehearsal at a time (namespaces and addresses are fixed). */
export function acquireLock(): void {
    if (fs.existsSync(LOCK_FILE)) {
        const pid = Number(fs.readFileSync(LOCK_FILE, "utf8"));
        let alive: boolean;
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
    runDir?: string;
    roots: ServerRoot[];
    aptProxy?: AptProxy;
    standIns: { stop(): Promise<void> }[];
    /** How each container stopped (powered off / SIGTERM / SIGKILL), for the report. */
    stopped: Record<string, string>;
    /** Loop devices standing in for EBS data volumes. */
    loops: string[];
}

export const newTeardownState = (): TeardownState => ({ roots: [], standIns: [], stopped: {}, loops: [] });

/** Size of each stand-in data volume (a sparse file): enough for MariaDB's system tables and the checks' rows. */
const DATA_VOLUME_MB = 512;

/**
 * An EBS data volume's stand-in: a loop device over a sparse file in the run directory, bound
 * into the container; after boot the rehearsal adds the /dev/disk/by-id link udev makes for an
 * EBS volume on a Nitro instance (containers run no udev), as the attachment would.
 */
async function createDataVolume(runDir: string, serverKey: string, state: TeardownState): Promise<string> {
    const image = path.join(runDir, `${serverKey}-data.img`);
    fs.writeFileSync(image, "");
    fs.truncateSync(image, DATA_VOLUME_MB * 1024 * 1024);
    const loop = (await must(["losetup", "--find", "--show", image])).trim();
    state.loops.push(loop);
    return loop;
}

/** The rehearsal's stand-in volume id of a server: what EC2 would have assigned. */
export const rehearsalVolumeId = (serverKey: string) => `vol-0rehearsal${crypto.createHash("sha256").update(serverKey).digest("hex").slice(0, 6)}`;

/**
 * Boots the stack: namespaces and the router's security-group mirror, the apt proxy, the
 * cached Debian image, certificates, the stand-ins, then every server as a container that
 * runs its user data through cloud-init, all at once as EC2 would start them.
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

    const flows = [...allowedFlows(plan.instances, plan.groupRules, CLIENT_IP), ...internetFlows(plan.instances, plan.groupRules, INTERNET_SERVICES)];
    const routerRuleset = renderRouterRuleset(flows, LB_PUBLIC_IP, topology.loadBalancer.privateIp, UPLINK_ROUTER_IF);
    const hosts = (extra: string[]) => hostsFile(topology, extra);
    await phase("network namespaces + security-group mirror", async () => {
        const endpoints: Endpoint[] = [
            ...topology.servers.map((s) => ({ ns: serverNamespace(s.key), routerIf: `r-${s.key}`.slice(0, 15), address: s.privateIp, hosts: hosts([]) })),
            { ns: CLIENT_NS, routerIf: "r-client", address: CLIENT_IP, hosts: `127.0.0.1 localhost\n${LB_PUBLIC_IP} www.${config.domain} ${config.domain}\n` },
        ];
        await createNetwork(endpoints);
        await createUplink();
        fs.writeFileSync(path.join(runDir, "router.nft"), routerRuleset);
        await must(["ip", "netns", "exec", ROUTER_NS, "nft", "-f", path.join(runDir, "router.nft")]);
    });

    const aptProxy = await phase("apt proxy (apt-cacher-ng) + Debian registry reachable", () => startAptProxy(runDir, INTERNET.debianMirror, 80));
    state.aptProxy = aptProxy;
    const image = await phase("Debian 13 image (cached; debootstrap when its key is new)", () => ensureRootfs(aptProxy.url, log));
    if (image.built) log(`rootfs: built ${image.dir}`);

    const certificates = await phase("certificates (openssl, to the program's specs)", () => issueCertificates(plan.certificates, plan.keySpec, path.join(runDir, "pki")));
    const managed = plan.database.managed;
    const facts = buildStackFacts(plan, {
        region: plan.region,
        certificates: {
            internalCaPem: certificates.ca.certificatePem,
            frontendChainPem: certificates.leaves.frontend.certificatePem + certificates.ca.certificatePem,
            serverCertificatePem: Object.fromEntries(topology.servers.filter((s) => certificates.leaves[s.key]).map((s) => [s.key, certificates.leaves[s.key].certificatePem])),
        },
        dataVolumeIds: Object.fromEntries(topology.databaseServers.map((s) => [s.key, rehearsalVolumeId(s.key)])),
        // RDS is not booted; the app servers are rendered against stand-in endpoint names.
        managedDatabase: managed
            ? {
                  writerHost: `webstack-db.rds-not-booted.invalid`,
                  readerHost: `webstack-db-replica.rds-not-booted.invalid`,
                  masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-not-booted",
              }
            : undefined,
    });

    // What the program stores in SSM: generated passwords, the servers' TLS keys, the Datadog key.
    const { parameters } = plan;
    // As StackSecrets stores them: the app's password always, root and replication only for self-managed databases.
    const passwords: Record<string, string> = { [parameters.datadogApiKey]: `rehearsal-${crypto.randomBytes(16).toString("hex")}`, [parameters.mysqlAppPassword]: randomSecret() };
    if (!managed) {
        for (const p of [parameters.mysqlRootPassword, parameters.mysqlReplicationPassword]) passwords[p] = randomSecret();
    }
    for (const server of topology.servers) {
        const leaf = certificates.leaves[server.role === "load-balancer" ? "frontend" : server.key];
        if (leaf) passwords[parameters.tlsKey(server.key)] = leaf.keyPem;
    }

    const files: Record<string, ServerFiles> = Object.fromEntries(topology.servers.map((s) => [s.key, buildServerFiles(s, facts)]));
    // The user data is the program's own boot script, byte for byte; the bundle it names is
    // rendered from the same functions with the rehearsal's real certificates.
    const userData: Record<string, string> = Object.fromEntries(plan.instances.map((i) => [i.key, i.userData]));
    const bundles = Object.fromEntries(topology.servers.map((s) => [s.key, bundleOf(s.key, userData[s.key])]));

    const standIns = await phase("stand-ins (SSM endpoint with IAM, Datadog installer)", () =>
        startStandIns({
            plan,
            parameters: passwords,
            objects: topology.servers.map((s) => ({ ...bundles[s.key], body: renderServerBundle(files[s.key]) })),
            aws: { host: INTERNET.awsApi, port: 80 },
            datadog: { host: INTERNET.datadogInstaller, port: 443 },
            pki: path.join(runDir, "standin-pki"),
        }),
    );
    state.standIns.push(standIns.aws, standIns.datadog);

    const roots: Record<string, ServerRoot> = {};
    await phase("server root filesystems (overlay on the image + NoCloud seed)", async () => {
        for (const server of topology.servers) {
            const principal = standIns.aws.principalOf(server.key);
            roots[server.key] = await buildServerRoot(runDir, serverNamespace(server.key), server, image.dir, {
                userData: userData[server.key],
                hosts: hosts(STAND_IN_HOSTS),
                aptProxyUrl: SERVER_APT_PROXY_URL,
                aws: { region: plan.region, endpointUrl: standIns.aws.url, accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey },
                trustedCaPems: [standIns.datadog.caPem],
            });
            state.roots.push(roots[server.key]);
            if (server.database) roots[server.key].devices = [await createDataVolume(runDir, server.key, state)];
        }
    });

    await phase("containers boot (systemd-nspawn, systemd as PID 1)", async () => {
        await Promise.all(
            topology.servers.map(async (server) => {
                const container = new Container(roots[server.key]);
                roots[server.key].container = container;
                await container.start();
                for (const device of roots[server.key].devices ?? []) {
                    const link = `/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${rehearsalVolumeId(server.key).replace("-", "")}`;
                    await container.run(["sh", "-c", `mkdir -p /dev/disk/by-id && ln -sf ${device} ${link}`], { timeoutMs: 30000 });
                }
            }),
        );
    });

    const cloudInitSeconds: Record<string, number> = {};
    await phase("cloud-init (the user data: packages, files, boot commands)", async () => {
        await Promise.all(
            topology.servers.map(async (server) => {
                const root = roots[server.key];
                const wait = await root.container!.run(["cloud-init", "status", "--wait"], { timeoutMs: CLOUD_INIT_TIMEOUT_MS });
                cloudInitSeconds[server.key] = await cloudInitDuration(root);
                log(`boot: cloud-init on ${server.key} finished (${wait.stdout.replace(/^\.+/, "").trim().split("\n").pop()}) after ${cloudInitSeconds[server.key].toFixed(0)} s`);
            }),
        );
    });

    // As a deploy would before calling the stack up: the load balancer has every backend in rotation.
    await phase("load balancer: every backend UP", () =>
        waitFor(
            "HAProxy to mark every app server UP",
            90000,
            async () => {
                const statuses = await backendStatus({ lb: roots[topology.loadBalancer.key] });
                return topology.appServers.every((s) => statuses[s.key] === "UP") ? true : undefined;
            },
            500,
        ),
    );

    const rootOf = (s: ServerPlan | undefined) => (s ? roots[s.key] : undefined);
    return {
        plan,
        facts,
        runDir,
        certificates,
        roots,
        files,
        bundles,
        passwords,
        aws: standIns.aws,
        datadog: standIns.datadog,
        lb: roots[topology.loadBalancer.key],
        apps: topology.appServers.map((s) => roots[s.key]),
        primary: rootOf(plan.database.primary),
        replica: rootOf(plan.database.replica),
        routerRuleset,
        timings,
        cloudInitSeconds,
    };
}

/** /etc/hosts: the private zone's names (what Route 53 answers in the VPC) and any extra lines. */
export function hostsFile(topology: Topology, extra: string[]): string {
    return ["127.0.0.1 localhost", ...topology.servers.map((s) => `${s.privateIp} ${s.fqdn} ${s.key}`), ...extra].join("\n") + "\n";
}

/** What the servers reach on the internet: each stand-in at its public address. */
export const INTERNET_SERVICES: InternetService[] = [
    { ip: INTERNET.debianMirror, port: 80, what: "Debian registry (apt proxy stand-in)" },
    { ip: INTERNET.awsApi, port: 80, what: "AWS API (SSM stand-in)" },
    { ip: INTERNET.datadogInstaller, port: 443, what: "install.datadoghq.com (stand-in)" },
];

/** The stand-ins' public names, as the servers resolve them. */
export const STAND_IN_HOSTS = [`${INTERNET.datadogInstaller} ${DATADOG_INSTALL_HOST} ${RDS_TRUSTSTORE_HOST}`];
/** apt's proxy as the servers reach it (the Debian registry's address). */
export const SERVER_APT_PROXY_URL = `http://${INTERNET.debianMirror}:80`;

/** The one S3 object a server's boot script fetches, read from its user data with the policy pack's reader. */
export function bundleOf(serverKey: string, userData: string): Required<BundleReference> {
    const refs = bundleReferences(parseUserDataText(userData));
    if (refs.length !== 1 || !refs[0].bucket) {
        throw new Error(`the user data of ${serverKey} names ${refs.length} bundles (${JSON.stringify(refs)}); the boot script fetches exactly one`);
    }
    return { bucket: refs[0].bucket, key: refs[0].key };
}

/** cloud-init's own account of its run: init-local's start to modules-final's finish (status.json). */
export async function cloudInitDuration(root: ServerRoot): Promise<number> {
    // /run/cloud-init/status.json links here; /run is the container's own tmpfs.
    const file = path.join(root.fs, "var/lib/cloud/data/status.json");
    if (!fs.existsSync(file)) return NaN;
    const status = JSON.parse(fs.readFileSync(file, "utf8")) as { v1: Record<string, { start?: number | null; finished?: number | null } | unknown> };
    const stage = (name: string) => status.v1[name] as { start?: number | null; finished?: number | null } | undefined;
    const start = stage("init-local")?.start ?? stage("init")?.start;
    const end = stage("modules-final")?.finished;
    return typeof start === "number" && typeof end === "number" ? end - start : NaN;
}

/** Host processes whose command line names a path under prefix (a run directory), this one excepted. */
function processesNaming(prefix: string): number[] {
    const pids: number[] = [];
    for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
        try {
            if (
                Number(entry) !== process.pid &&
                fs
                    .readFileSync(`/proc/${entry}/cmdline`, "utf8")
                    .split("\0")
                    .some((arg) => arg.includes(prefix))
            )
                pids.push(Number(entry));
        } catch {
            // the process exited while the table was read
        }
    }
    return pids;
}

/** How long removing a run directory may take before teardown reports it (and leaves it for the next run). */
const RUN_DIR_REMOVAL_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Tears everything down, whatever state the boot reached: containers (escalating), their
 * overlays, the stand-ins, the apt proxy, the namespaces and the run directory; also what a
 * crashed earlier run left. Never throws; returns what it could not clean.
 */
export async function teardown(state: TeardownState): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, body: () => Promise<unknown>) => {
        try {
            await body();
        } catch (error) {
            problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        }
    };
    await Promise.all(
        state.roots.map((root) =>
            attempt(`stopping ${root.server.key}`, async () => {
                if (root.container) state.stopped[root.server.key] = await root.container.stop();
            }),
        ),
    );
    for (const standIn of state.standIns) await attempt("stopping a stand-in", () => standIn.stop());
    // This run's loop devices, and any a crashed run left over a file in a run directory.
    const listed = await run(["losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE"]);
    const stale = listed.stdout
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter(([, file]) => file?.startsWith(RUN_DIR_PREFIX))
        .map(([name]) => name);
    for (const loop of new Set([...state.loops, ...stale])) await attempt(`detaching ${loop}`, () => must(["losetup", "-d", loop]));
    if (state.aptProxy) await attempt("stopping apt-cacher-ng", () => state.aptProxy!.stop());
    // A crashed run's host processes (its apt-cacher-ng, started outside every namespace) are
    // found by the run directory their command line names, as its loop devices are by their file.
    for (const pid of processesNaming(RUN_DIR_PREFIX)) {
        await attempt(`killing process ${pid}`, async () => {
            try {
                process.kill(pid, "SIGKILL");
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // already gone
            }
        });
    }
    // Kills whatever still runs in a rehearsal namespace (also a crashed run's containers).
    await attempt("deleting namespaces", async () => problems.push(...(await destroyNetwork())));
    for (const root of state.roots) problems.push(...(await unmountServerRoot(root)));
    for (const mountPoint of rehearsalMounts(RUN_DIR_PREFIX)) {
        const out = await run(["umount", "-l", mountPoint]);
        if (out.code !== 0) problems.push(`umount ${mountPoint}: ${out.stderr.trim()}`);
    }
    const stillMounted = rehearsalMounts(RUN_DIR_PREFIX);
    if (stillMounted.length) {
        problems.push(`still mounted, run directories kept: ${stillMounted.join(", ")}`);
    } else {
        for (const entry of fs.readdirSync(os.tmpdir()).filter((e) => RUN_DIR_NAME.test(e))) {
            // --one-file-system: never follow into a mount that appeared meanwhile (the image below an overlay).
            // Four servers' overlays hold every package they installed: on a machine busy with other
            // work, removing them took over two minutes (a 120 s bound failed a CI run here).
            const out = await run(["rm", "-rf", "--one-file-system", path.join(os.tmpdir(), entry)], { timeoutMs: RUN_DIR_REMOVAL_TIMEOUT_MS });
            if (out.code !== 0) problems.push(`rm ${entry}: ${out.timedOut ? `still running after ${RUN_DIR_REMOVAL_TIMEOUT_MS / 1000} s, killed` : `exit ${out.code}`} ${out.stderr.trim()}`.trim());
        }
    }
    return problems;
}
