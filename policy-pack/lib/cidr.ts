// CIDR and port-range helpers for security group checks.

/** True when the CIDR admits every address of its family (0.0.0.0/0, ::/0, or any /0). */
export function isWorldCidr(cidr: unknown): boolean {
    if (typeof cidr !== "string") {
        return false;
    }
    const [, prefix] = cidr.trim().split("/");
    return prefix !== undefined && Number(prefix) === 0;
}

/** Normalises an AWS protocol value ("tcp", "6", "-1", "all", ...) to a lower-case name. */
export function normaliseProtocol(protocol: unknown): string | undefined {
    if (protocol === undefined || protocol === null) {
        return undefined;
    }
    const p = String(protocol).toLowerCase();
    const byNumber: Record<string, string> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", all: "-1" };
    return byNumber[p] ?? p;
}

/**
 * The sensitive ports a rule opens. Protocol "-1" opens every port whatever fromPort/toPort
 * say; ICMP opens none; tcp/udp open [fromPort, toPort]. Unknown values open nothing we can
 * prove, so they return [] (never a false finding during preview).
 */
export function sensitivePortsOpened(protocol: unknown, fromPort: unknown, toPort: unknown, sensitive: number[]): number[] {
    const p = normaliseProtocol(protocol);
    if (p === undefined) {
        return [];
    }
    if (p === "-1") {
        return sensitive;
    }
    if (p === "icmp" || p === "icmpv6") {
        return [];
    }
    if (typeof fromPort !== "number" || typeof toPort !== "number") {
        return [];
    }
    // AWS treats 0..0 / -1..-1 with tcp/udp as invalid; only real ranges count.
    return sensitive.filter(port => fromPort <= port && port <= toPort);
}
