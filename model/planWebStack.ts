import { BackendHop, BackendHopMigration, BackendHops, backendHops } from "./backendHops";
import { CertificateSettings, CertificateSpec, certificateOrganization, certificateSpecs, KeySpec, keySpec } from "./certificates";
import { DATABASE_USERS } from "./constants";
import { SecretParameterNames, secretParameterNames } from "./parameterNames";
import { NetworkShape, subnetCidrsFromConfig, TierSubnetCidrs } from "./subnets";
import { certifiedServers, DatabasePlacement, planTopology, primaryDatabase, replicaDatabase, ServerPlan, Topology } from "./topology";

/**
 * What the plan is computed from: the slice of WebStackArgs that decides it. The validated stack
 * config has the same shape, so the offline plan and the rehearsal pass theirs as it is.
 */
export interface WebStackSettings {
    readonly domain: string;
    readonly internalDomain: string;
    readonly clientCidrs: string[];
    readonly adminCidrs: string[];
    readonly network: NetworkShape;
    readonly appServerCount: number;
    readonly backendHop: BackendHop;
    readonly backendHopMigration?: BackendHopMigration;
    readonly database: { readonly placement: DatabasePlacement; readonly name: string };
    readonly certificate: CertificateSettings;
    readonly monitoring: { readonly site: string; readonly tags: string[] };
}

/** Everything about a stack that is known before any resource exists. */
export interface WebStackPlan {
    readonly stack: string;
    /** What it was planned from. */
    readonly settings: WebStackSettings;
    /** The subnets the servers live in, per tier, in zone order. */
    readonly subnets: TierSubnetCidrs;
    /** Every server, its role, address, name and what it runs. */
    readonly topology: Topology;
    readonly database: {
        /** rds: Amazon RDS serves the app; otherwise the self-managed primary and replica below do. */
        readonly managed: boolean;
        readonly primary?: ServerPlan;
        readonly replica?: ServerPlan;
        /** The user the app connects as. */
        readonly appUser: string;
    };
    /** The hop the load balancer dials and the hops the app servers serve. */
    readonly backendHops: BackendHops;
    /** Organisation named in every certificate. */
    readonly organization: string;
    /** Servers with a certificate of their own (every one but the load balancer). */
    readonly certifiedServers: ServerPlan[];
    /** The CA, the load balancer's certificate (unless provided) and each certified server's. */
    readonly certificates: CertificateSpec[];
    readonly keySpec: KeySpec;
    /** Names of the SSM parameters that hold the stack's secrets. */
    readonly parameters: SecretParameterNames;
}

/**
 * Plans the stack from its settings: subnets, then the servers placed in them, then the
 * certificates issued for those servers, then the names of the secrets. Pure, so the program,
 * the offline plan and the rehearsal all derive the same stack.
 */
export function planWebStack(settings: WebStackSettings, stack: string): WebStackPlan {
    const subnets = subnetCidrsFromConfig(settings.network);
    const topology = planTopology(settings, subnets);
    const managed = settings.database.placement === "rds";
    const organization = certificateOrganization(stack);
    const certified = certifiedServers(topology);
    return {
        stack,
        settings,
        subnets,
        topology,
        database: {
            managed,
            primary: primaryDatabase(topology),
            replica: replicaDatabase(topology),
            appUser: managed ? DATABASE_USERS.rdsApp : DATABASE_USERS.app,
        },
        backendHops: backendHops(settings.backendHop, settings.backendHopMigration),
        organization,
        certifiedServers: certified,
        certificates: certificateSpecs(settings.certificate, settings.domain, certified, organization),
        keySpec: keySpec(settings.certificate),
        parameters: secretParameterNames(stack),
    };
}
