import * as ipaddr from "ipaddr.js";

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
    return sensitive.filter((port) => fromPort <= port && port <= toPort);
}

/**
 * IPv4 CIDR maths on the canonical dotted-quad form, with ipaddr.js doing the parsing. AWS,
 * nft and our config all read CIDRs; only the canonical form ("10.0.0.0/16": four decimal
 * octets without leading zeros, host bits clear, a decimal prefix) means the same thing to
 * every one of them, so anything else is refused rather than interpreted.
 */
export interface Ipv4Range {
    first: number;
    last: number;
}

/** The canonical spelling of an IPv4 CIDR, or undefined if it is not one at all. */
export function canonicalIpv4Cidr(value: string): string | undefined {
    if (typeof value !== "string" || !ipaddr.IPv4.isValidCIDR(value)) {
        return undefined;
    }
    const [, prefix] = ipaddr.IPv4.parseCIDR(value);
    return `${ipaddr.IPv4.networkAddressFromCIDR(value).toString()}/${prefix}`;
}

/** True when the value is already in canonical form (what AWS stores and nft prints). */
export function isCanonicalIpv4Cidr(value: string): boolean {
    return canonicalIpv4Cidr(value) === value && /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(value);
}

export function ipv4Prefix(cidr: string): number {
    return ipaddr.IPv4.parseCIDR(cidr)[1];
}

export function ipv4Range(cidr: string): Ipv4Range {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
    const start = address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
    const size = 2 ** (32 - prefix);
    const first = start - (start % size);
    return { first, last: first + size - 1 };
}

export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
    return a.first <= b.last && b.first <= a.last;
}

/** How many addresses the union of the CIDRs admits (overlaps counted once). */
export function unionSize(cidrs: readonly string[]): number {
    const ranges = cidrs.map(ipv4Range).sort((a, b) => a.first - b.first);
    let total = 0;
    let current: Ipv4Range | undefined;
    for (const range of ranges) {
        if (current && range.first <= current.last + 1) {
            current.last = Math.max(current.last, range.last);
        } else {
            if (current) total += current.last - current.first + 1;
            current = { ...range };
        }
    }
    return current ? total + current.last - current.first + 1 : total;
}

/** True when the CIDRs together admit every IPv4 address (0.0.0.0/1 + 128.0.0.0/1, say). */
export function unionCoversInternet(cidrs: readonly string[]): boolean {
    const valid = cidrs.filter((c) => canonicalIpv4Cidr(c) !== undefined);
    return valid.length > 0 && unionSize(valid) === 2 ** 32;
}
