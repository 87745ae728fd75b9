import * as ipaddr from "ipaddr.js";

export type Tier = "public" | "app" | "database";
export const TIERS: Tier[] = ["public", "app", "database"];

/** The subnets of one tier, one per availability zone, in zone order. */
export type TierSubnetCidrs = Record<Tier, string[]>;

/**
 * Carves the VPC into 16 equal subnets and gives each tier a block of four, one subnet per
 * zone: public 0–3, app 4–7, database 8–11; 12–15 stay free for growth.
 */
export function planSubnetCidrs(vpcCidr: string, zoneCount: number): TierSubnetCidrs {
    const [network, prefix] = ipaddr.IPv4.parseCIDR(vpcCidr);
    const subnetPrefix = prefix + 4;
    const subnetSize = 2 ** (32 - subnetPrefix);
    const base = toNumber(network);
    const cidrAt = (slot: number) => `${fromNumber(base + slot * subnetSize)}/${subnetPrefix}`;
    const plan = {} as TierSubnetCidrs;
    TIERS.forEach((tier, tierIndex) => {
        plan[tier] = Array.from({ length: zoneCount }, (_, zone) => cidrAt(tierIndex * 4 + zone));
    });
    return plan;
}

/**
 * A fixed private address inside a subnet. Fixed addresses let every server's rendered
 * files (host firewall sources, backend lists) be known before any instance exists, so
 * servers that refer to each other (primary ↔ replica) do not form a dependency cycle.
 * AWS reserves the first four addresses of a subnet; hosts start at .10.
 */
export function hostAddress(subnetCidr: string, hostIndex: number): string {
    const [network, prefix] = ipaddr.IPv4.parseCIDR(subnetCidr);
    const offset = 10 + hostIndex;
    const size = 2 ** (32 - prefix);
    if (offset >= size - 1) {
        throw new Error(`subnet ${subnetCidr} is too small for host number ${hostIndex}`);
    }
    return fromNumber(toNumber(network) + offset);
}

function toNumber(address: ipaddr.IPv4): number {
    return address.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
}

function fromNumber(n: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** What the subnets are planned from (a slice of NetworkSettings, and of the stack config's network). */
export interface NetworkShape {
    readonly vpcCidr: string;
    readonly availabilityZones: number;
    readonly existingVpc?: { readonly publicSubnets: { cidr: string }[]; readonly appSubnets: { cidr: string }[]; readonly databaseSubnets: { cidr: string }[] };
}

/** The subnet CIDRs the stack's servers live in: planned for a new VPC, or the existing ones given. */
export function subnetCidrsFromConfig(network: NetworkShape): TierSubnetCidrs {
    const existing = network.existingVpc;
    if (!existing) {
        return planSubnetCidrs(network.vpcCidr, network.availabilityZones);
    }
    return {
        public: existing.publicSubnets.map((s) => s.cidr),
        app: existing.appSubnets.map((s) => s.cidr),
        database: existing.databaseSubnets.map((s) => s.cidr),
    };
}
