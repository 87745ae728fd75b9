import * as fs from "fs";
import * as path from "path";
import { ServerPlan } from "../model";
import { must, run } from "./exec";
import type { Container } from "./containers";

/**
 * One server's root filesystem: an overlay whose lower layer is the cached Debian image
 * (never written) and whose upper layer lives in the run directory, plus what a real
 * instance would get from outside before cloud-init runs: the NoCloud seed (the user data,
 * byte for byte), and the stand-ins' addresses and credentials as files in the image —
 * apt's proxy, the AWS CLI's endpoint and credentials, /etc/hosts, the stand-in CA.
 */
export interface ServerRoot {
    server: ServerPlan;
    /** The server's network namespace (/run/netns/<ns>), which the container joins. */
    ns: string;
    dir: string;
    /** The container's "/" as the host sees it (the overlay's merged view). */
    fs: string;
    logs: string;
    /** The user data booted, exactly as the program renders it. */
    userData: string;
    /** Set once booted. */
    container?: Container;
    /** Loop devices standing in for the server's EBS data volumes, bound into the container. */
    devices?: string[];
}

export interface ServerEnvironment {
    userData: string;
    /** /etc/hosts of the server: the private zone's names and the stand-ins' public names. */
    hosts: string;
    /** apt's HTTP proxy (the caching proxy of Debian's registry). */
    aptProxyUrl: string;
    aws: { region: string; endpointUrl: string; accessKeyId: string; secretAccessKey: string };
    /** Extra trusted CA certificates (PEM), e.g. the one the Datadog installer stand-in's certificate chains to. */
    trustedCaPems: string[];
}

export const APT_PROXY_CONF = "/etc/apt/apt.conf.d/00webstack-rehearsal-proxy";
export const STANDIN_CA_PATH = "/usr/local/share/ca-certificates/webstack-rehearsal-standins.crt";
const SEED_DIR = "/var/lib/cloud/seed/nocloud";

export const instanceId = (server: ServerPlan) => `i-rehearsal-${server.key}`;

/** Mounts the overlay and writes the seed and the stand-in environment into the upper layer. */
export async function buildServerRoot(runDir: string, ns: string, server: ServerPlan, image: string, env: ServerEnvironment): Promise<ServerRoot> {
    const dir = path.join(runDir, server.key);
    const root: ServerRoot = { server, ns, dir, fs: path.join(dir, "rootfs"), logs: path.join(dir, "logs"), userData: env.userData };
    for (const d of ["upper", "work", "rootfs", "logs"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.chmodSync(dir, 0o755);
    await must(["mount", "-t", "overlay", "overlay", "-o", `lowerdir=${image},upperdir=${path.join(dir, "upper")},workdir=${path.join(dir, "work")}`, root.fs]);
    const write = (file: string, content: string, mode = 0o644) => {
        const target = path.join(root.fs, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content, { mode });
        fs.chmodSync(target, mode);
    };
    write(`${SEED_DIR}/user-data`, env.userData, 0o600);
    write(`${SEED_DIR}/meta-data`, `instance-id: ${instanceId(server)}\nlocal-hostname: ${server.key}\n`, 0o600);
    // The server's address is configured by the rehearsal's network namespace, as EC2's DHCP
    // always answers: cloud-init's fallback would configure DHCP on the first NIC, and no DHCP
    // server answers here.
    write(`${SEED_DIR}/network-config`, "network:\n  config: disabled\n", 0o600);
    write("/etc/hosts", env.hosts);
    write("/etc/hostname", `${server.key}\n`);
    write(APT_PROXY_CONF, `Acquire::http::Proxy "${env.aptProxyUrl}/";\n`);
    // EC2 hands the CLI its role's credentials through IMDS; here they are the role's stand-in keys.
    write("/root/.aws/config", `[default]\nregion = ${env.aws.region}\nendpoint_url = ${env.aws.endpointUrl}\n`, 0o600);
    write("/root/.aws/credentials", `[default]\naws_access_key_id = ${env.aws.accessKeyId}\naws_secret_access_key = ${env.aws.secretAccessKey}\n`, 0o600);
    fs.chmodSync(path.join(root.fs, "root", ".aws"), 0o700);
    if (env.trustedCaPems.length) {
        const pems = env.trustedCaPems.join("");
        write(STANDIN_CA_PATH, pems);
        // What update-ca-certificates would add to the bundle; it keeps the file on later runs.
        fs.appendFileSync(path.join(root.fs, "etc/ssl/certs/ca-certificates.crt"), pems);
    }
    return root;
}

/** Unmounts the overlay (lazily if something still holds it); the image below stays untouched. */
export async function unmountServerRoot(root: ServerRoot): Promise<string[]> {
    if (!(await isMounted(root.fs))) return [];
    const out = await run(["umount", root.fs]);
    if (out.code === 0) return [];
    const lazy = await run(["umount", "-l", root.fs]);
    return lazy.code === 0 ? [] : [`umount ${root.fs}: ${out.stderr.trim()}`];
}

export async function isMounted(dir: string): Promise<boolean> {
    return fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .some((line) => line.split(" ")[4] === dir);
}

/** Every overlay the rehearsal mounted under a run directory (this run's or a crashed one's). */
export function rehearsalMounts(runDirPrefix: string): string[] {
    return fs
        .readFileSync("/proc/self/mountinfo", "utf8")
        .split("\n")
        .map((line) => line.split(" ")[4])
        .filter((mountPoint): mountPoint is string => mountPoint !== undefined && mountPoint.startsWith(runDirPrefix));
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
