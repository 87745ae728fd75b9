import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run, sleep, waitFor } from "./exec";
import { CACHE_DIR, DEBIAN_MIRROR, DEBIAN_SUITE } from "./rootfs";

/**
 * Debian's own caching proxy of its registry (apt-cacher-ng), run by the rehearsal for the
 * rehearsal: debootstrap and every container's apt go through it, so a warm cache downloads
 * nothing twice. Its own config: no mirror remapping (the host may not resolve Debian's
 * backup mirrors), IPv4 only, the cache outside the checkout.
 */
export interface AptProxy {
    /** http://address:port, for http_proxy and apt's Acquire::http::Proxy. */
    url: string;
    stop(): Promise<void>;
}

export const APT_PROXY_BINARY = "/usr/sbin/apt-cacher-ng";
export const APT_CACHE_DIR = path.join(CACHE_DIR, "apt-cacher-ng");

export function renderAptProxyConfig(cacheDir: string, logDir: string, address: string, port: number): string {
    return [
        `CacheDir: ${cacheDir}`,
        `LogDir: ${logDir}`,
        "SupportDir: /usr/lib/apt-cacher-ng",
        `Port: ${port}`,
        `BindAddress: ${address}`,
        "ConnectProto: v4",
        "ExThreshold: 30",
        "ReuseConnections: 1",
        "",
    ].join("\n");
}

/** Starts apt-cacher-ng on address:port and proves Debian's registry answers through it. */
export async function startAptProxy(runDir: string, address: string, port: number): Promise<AptProxy> {
    const confDir = path.join(runDir, "apt-cacher-ng");
    const logDir = path.join(confDir, "log");
    fs.mkdirSync(logDir, { recursive: true });
    fs.mkdirSync(APT_CACHE_DIR, { recursive: true });
    fs.writeFileSync(path.join(confDir, "acng.conf"), renderAptProxyConfig(APT_CACHE_DIR, logDir, address, port));
    const log = fs.openSync(path.join(confDir, "stdout.log"), "a");
    const child: ChildProcess = spawn(APT_PROXY_BINARY, ["-c", confDir, "ForeGround=1", `pidfile=${path.join(confDir, "pid")}`], { stdio: ["ignore", log, log], detached: true });
    fs.closeSync(log);
    let exited = false;
    child.on("exit", () => (exited = true));
    const url = `http://${address}:${port}`;
    const stop = async () => {
        if (exited) return;
        child.kill("SIGTERM");
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
        if (!exited) child.kill("SIGKILL");
        for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    };
    try {
        await waitFor(`apt-cacher-ng on ${address}:${port}`, 10000, async () => {
            if (exited) throw new Error(`apt-cacher-ng exited: ${fs.readFileSync(path.join(confDir, "stdout.log"), "utf8").slice(-500)}`);
            return (await run(["curl", "-s", "-o", "/dev/null", `${url}/acng-report.html`], { timeoutMs: 3000 })).code === 0 ? true : undefined;
        });
        await checkRegistry(url);
    } catch (error) {
        await stop();
        throw error;
    }
    return { url, stop };
}

/** Thrown when Debian's registry cannot be reached: the CLI turns it into one line and exit 2. */
export class RegistryUnreachable extends Error {}

async function checkRegistry(proxyUrl: string): Promise<void> {
    const release = `${DEBIAN_MIRROR}/dists/${DEBIAN_SUITE}/InRelease`;
    const out = await run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30", "-x", proxyUrl, release], { timeoutMs: 35000 });
    if (out.stdout !== "200") {
        throw new RegistryUnreachable(
            `Debian's package registry is unreachable: ${release} through apt-cacher-ng answered ${out.stdout || out.stderr.trim() || "nothing"} — allow HTTP to deb.debian.org (or set WEBSTACK_SKIP_REHEARSAL=1 to skip the rehearsal)`,
        );
    }
}
