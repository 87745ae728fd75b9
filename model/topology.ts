import { hostAddress, Tier, TierSubnetCidrs } from "./subnets";

/**
 * Where MySQL runs. colocated: on the first two app servers (primary, replica); dedicated: on
 * two database servers of its own; rds: Amazon RDS for MySQL, Multi-AZ, with a read replica.
 */
export type DatabasePlacement = "colocated" | "dedicated" | "rds";

/** What decides the servers (a slice of WebStackArgs, and of the stack config). */
export interface TopologySettings {
    readonly appServerCount: number;
    /** The private zone server names live in (app-0.<internalDomain>). */
    readonly internalDomain: string;
    readonly database: { readonly placement: DatabasePlacement };
}

export type ServerRole = "load-balancer" | "app" | "database";
/** What a server runs; the policy pack derives the same set from the rendered user data. */
export type Component = "load-balancer" | "web" | "app" | "database";
export type DatabaseRole = "primary" | "replica";

export interface ServerPlan {
    /** Short name, unique in the stack: lb, app-0, db-0. Also the resource name suffix. */
    readonly key: string;
    readonly role: ServerRole;
    readonly tier: Tier;
    /** Index of the availability zone (and so of the tier's subnet) the server lives in. */
    readonly zoneIndex: number;
    readonly privateIp: string;
    /** Name in the private DNS zone; backend and database certificates are issued for it. */
    readonly fqdn: string;
    readonly components: Component[];
    /** Set on servers that run a self-managed MySQL/MariaDB. */
    readonly database?: { role: DatabaseRole; serverId: number };
}

export interface Topology {
    readonly servers: ServerPlan[];
    readonly loadBalancer: ServerPlan;
    readonly appServers: ServerPlan[];
    /** Servers running a self-managed database (colocated or dedicated); empty with rds. */
    readonly databaseServers: ServerPlan[];
}

/**
 * Decides which servers the stack has, where they live and what each runs. Pure, so the
 * program, the offline plan and the local rehearsal all agree on it.
 */
export function planTopology(config: TopologySettings, subnets: TierSubnetCidrs): Topology {
    const placement = config.database.placement;
    const place = (key: string, role: ServerRole, tier: Tier, index: number) => {
        const zones = subnets[tier];
        const zoneIndex = index % zones.length;
        return {
            key,
            role,
            tier,
            zoneIndex,
            privateIp: hostAddress(zones[zoneIndex], Math.floor(index / zones.length)),
            fqdn: `${key}.${config.internalDomain}`,
        };
    };
    const databaseRoleAt = (index: number): ServerPlan["database"] => (index < 2 ? { role: index === 0 ? "primary" : "replica", serverId: index + 1 } : undefined);

    const loadBalancer: ServerPlan = { ...place("lb", "load-balancer", "public", 0), components: ["load-balancer"] };

    const appServers: ServerPlan[] = Array.from({ length: config.appServerCount }, (_, i) => {
        const database = placement === "colocated" ? databaseRoleAt(i) : undefined;
        return {
            ...place(`app-${i}`, "app", "app", i),
            components: database ? ["web", "app", "database"] : ["web", "app"],
            ...(database ? { database } : {}),
        } as ServerPlan;
    });

    const dedicatedDatabases: ServerPlan[] =
        placement === "dedicated" ? [0, 1].map((i) => ({ ...place(`db-${i}`, "database", "database", i), components: ["database"], database: databaseRoleAt(i) })) : [];

    const servers = [loadBalancer, ...appServers, ...dedicatedDatabases];
    return {
        servers,
        loadBalancer,
        appServers,
        databaseServers: servers.filter((s) => s.database !== undefined),
    };
}

export function primaryDatabase(topology: Topology): ServerPlan | undefined {
    return topology.databaseServers.find((s) => s.database?.role === "primary");
}

export function replicaDatabase(topology: Topology): ServerPlan | undefined {
    return topology.databaseServers.find((s) => s.database?.role === "replica");
}

/** Servers that get a certificate of their own: every server but the load balancer (it serves the public one). */
export function certifiedServers(topology: Topology): ServerPlan[] {
    return topology.servers.filter((s) => s.role !== "load-balancer");
}
