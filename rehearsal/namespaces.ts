import * as fs from "fs";
import { must, run } from "./exec";

/** Every namespace, /etc/netns entry and veth of the rehearsal carries this prefix. */
export const NS_PREFIX = "wsr-";
export const ROUTER_NS = `${NS_PREFIX}router`;
export const CLIENT_NS = `${NS_PREFIX}client`;
/** An outside client (TEST-NET-2) and the load balancer's public address (TEST-NET-3, the EIP). */
export const CLIENT_IP = "198.51.100.10";
export const LB_PUBLIC_IP = "203.0.113.10";
/** Link-local next hop every namespace routes through: the router. */
const GATEWAY_IP = "169.254.0.1";

/**
 * "The internet" as the servers see it: the stand-ins for what the boot fetches, each on its
 * own public address (TEST-NET-3), reached through the router and its security-group mirror
 * like any outbound flow. The addresses live on the host end of the router's uplink, where
 * the stand-ins listen; the router masquerades toward it, as a NAT gateway would.
 */
export const INTERNET = {
    /** apt-cacher-ng: the servers' apt proxy (HTTP, port 80). */
    debianMirror: "203.0.113.101",
    /** SSM (and S3) stand-in: AWS_ENDPOINT_URL (HTTP, port 80). */
    awsApi: "203.0.113.102",
    /** install.datadoghq.com (HTTPS, port 443). */
    datadogInstaller: "203.0.113.103",
} as const;
export const UPLINK_HOST_IF = `${NS_PREFIX}uplink`;
export const UPLINK_ROUTER_IF = "uplink";
const UPLINK_HOST_IP = "100.64.254.1";
const UPLINK_ROUTER_IP = "100.64.254.2";

export const serverNamespace = (key: string) => `${NS_PREFIX}${key}`;

export interface Endpoint {
    ns: string;
    /** Router-side interface name (at most 15 characters). */
    routerIf: string;
    address: string;
    /** /etc/hosts of the namespace, bind-mounted by `ip netns exec`. */
    hosts: string;
}

/**
 * Creates the router namespace and one namespace per endpoint, each joined to the router by
 * a veth pair: the endpoint has its address as a /32 and a default route via the router;
 * the router routes each /32 to its veth and forwards (its nftables mirrors the security groups).
 */
export async function createNetwork(endpoints: Endpoint[]): Promise<void> {
    await addNamespace(ROUTER_NS, "127.0.0.1 localhost\n");
    await must(["ip", "netns", "exec", ROUTER_NS, "sysctl", "-qw", "net.ipv4.ip_forward=1"]);
    await must(["ip", "netns", "exec", ROUTER_NS, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"]);
    for (const endpoint of endpoints) await addEndpoint(endpoint);
}

/** One endpoint's namespace joined to the (existing) router: at boot, and for a server added to a running stack. */
export async function addEndpoint(endpoint: Endpoint): Promise<void> {
    await addNamespace(endpoint.ns, endpoint.hosts);
    await must(["ip", "link", "add", endpoint.routerIf, "netns", ROUTER_NS, "type", "veth", "peer", "name", "eth0", "netns", endpoint.ns]);
    await must(["ip", "-n", endpoint.ns, "addr", "add", `${endpoint.address}/32`, "dev", "eth0"]);
    await must(["ip", "-n", endpoint.ns, "link", "set", "eth0", "up"]);
    await must(["ip", "-n", endpoint.ns, "route", "add", GATEWAY_IP, "dev", "eth0", "scope", "link"]);
    await must(["ip", "-n", endpoint.ns, "route", "add", "default", "via", GATEWAY_IP, "dev", "eth0"]);
    await must(["ip", "-n", ROUTER_NS, "addr", "add", `${GATEWAY_IP}/32`, "dev", endpoint.routerIf]);
    await must(["ip", "-n", ROUTER_NS, "link", "set", endpoint.routerIf, "up"]);
    await must(["ip", "-n", ROUTER_NS, "route", "add", `${endpoint.address}/32`, "dev", endpoint.routerIf]);
}

/**
 * Joins the router to the host by a veth pair: the host end carries the stand-ins' public
 * addresses; the router routes them there and masquerades (see renderRouterRuleset).
 */
export async function createUplink(): Promise<void> {
    await must(["ip", "link", "add", UPLINK_HOST_IF, "type", "veth", "peer", "name", UPLINK_ROUTER_IF, "netns", ROUTER_NS]);
    await must(["ip", "addr", "add", `${UPLINK_HOST_IP}/30`, "dev", UPLINK_HOST_IF]);
    for (const address of Object.values(INTERNET)) await must(["ip", "addr", "add", `${address}/32`, "dev", UPLINK_HOST_IF]);
    await must(["ip", "link", "set", UPLINK_HOST_IF, "up"]);
    await must(["ip", "-n", ROUTER_NS, "addr", "add", `${UPLINK_ROUTER_IP}/30`, "dev", UPLINK_ROUTER_IF]);
    await must(["ip", "-n", ROUTER_NS, "link", "set", UPLINK_ROUTER_IF, "up"]);
    for (const address of Object.values(INTERNET)) await must(["ip", "-n", ROUTER_NS, "route", "add", `${address}/32`, "via", UPLINK_HOST_IP, "dev", UPLINK_ROUTER_IF]);
}

async function addNamespace(ns: string, hosts: string): Promise<void> {
    fs.mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    fs.writeFileSync(`/etc/netns/${ns}/hosts`, hosts);
    await must(["ip", "netns", "add", ns]);
    await must(["ip", "-n", ns, "link", "set", "lo", "up"]);
}

/** The rehearsal's namespaces that exist now (from this or an earlier, crashed run). */
export async function listNamespaces(): Promise<string[]> {
    const out = await run(["ip", "netns", "list"]);
    return out.stdout
        .split("\n")
        .map((line) => line.split(" ")[0])
        .filter((ns) => ns.startsWith(NS_PREFIX));
}

/** Processes running inside one of the rehearsal's namespaces. */
export async function namespacePids(ns: string): Promise<number[]> {
    const out = await run(["ip", "netns", "pids", ns]);
    return out.stdout.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * Kills every process inside the rehearsal's namespaces (only those: they were started by
 * the rehearsal), deletes the namespaces (their veths go with them) and their /etc/netns dirs.
 */
export async function destroyNetwork(): Promise<string[]> {
    const problems: string[] = [];
    for (const ns of await listNamespaces()) {
        for (const pid of await namespacePids(ns)) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
        const del = await run(["ip", "netns", "del", ns]);
        if (del.code !== 0) {
            problems.push(`ip netns del ${ns}: ${del.stderr.trim()}`);
        }
    }
    // The uplink's host end goes with the router namespace; this covers a half-created one.
    if ((await run(["ip", "link", "show", UPLINK_HOST_IF])).code === 0) {
        const del = await run(["ip", "link", "del", UPLINK_HOST_IF]);
        // Deleting the router namespace removes the pair on its own, possibly meanwhile.
        if (del.code !== 0 && !/Cannot find device/.test(del.stderr)) problems.push(`ip link del ${UPLINK_HOST_IF}: ${del.stderr.trim()}`);
    }
    if (fs.existsSync("/etc/netns")) {
        for (const entry of fs.readdirSync("/etc/netns").filter((e) => e.startsWith(NS_PREFIX))) {
            fs.rmSync(`/etc/netns/${entry}`, { recursive: true, force: true });
        }
        if (fs.readdirSync("/etc/netns").length === 0) {
            fs.rmdirSync("/etc/netns");
        }
    }
    return problems;
}
