import { BackendHop, BackendHopMigration, backendHops } from "./backendHops";
import { DATABASE_USERS, PORTS } from "./constants";
import { SecretParameterNames, secretParameterNames } from "./parameterNames";
import { DatabasePlacement, primaryDatabase, replicaDatabase, Topology } from "./topology";

/** Everything about the stack a server's files depend on, as plain values. */
export interface StackFacts {
    stack: string;
    region: string;
    domain: string;
    /** The hop HAProxy dials. */
    backendHop: BackendHop;
    /** The hops nginx serves to the load balancer: backendHop, and during a migration both. */
    servedBackendHops: BackendHop[];
    databaseName: string;
    clientCidrs: string[];
    adminCidrs: string[];
    topology: Topology;
    /** Where the app finds its database: the self-managed servers or the RDS endpoints. */
    database: {
        writerHost: string;
        readerHost: string;
        port: number;
        managed: boolean;
        /** The user the app connects as. */
        appUser: string;
        /** RDS only: the Secrets Manager secret with the master credentials, read by the first app server to create appUser. */
        masterSecretArn?: string;
    };
    parameters: SecretParameterNames;
    certificates: {
        internalCaPem: string;
        /** Certificate chain served to clients by the load balancer. */
        frontendChainPem: string;
        /** Certificate of each app/database server, by server key. */
        serverCertificatePem: Record<string, string>;
    };
    monitoring: { site: string; tags: string[] };
    /** EBS volume id of each self-managed database server's data volume, by server key. */
    dataVolumeIds: Record<string, string>;
}

/** What the servers' files are rendered from besides the topology (a slice of WebStackArgs, and of the stack config). */
export interface StackFactsSettings {
    readonly domain: string;
    readonly backendHop: BackendHop;
    readonly backendHopMigration?: BackendHopMigration;
    readonly clientCidrs: string[];
    readonly adminCidrs: string[];
    readonly database: { readonly placement: DatabasePlacement; readonly name: string };
    readonly monitoring: { readonly site: string; readonly tags: string[] };
}

export interface StackFactsInput {
    config: StackFactsSettings;
    stack: string;
    region: string;
    topology: Topology;
    certificates: StackFacts["certificates"];
    /** RDS endpoints and master secret with placement rds; ignored otherwise (the self-managed servers' names are used). */
    managedDatabase?: { writerHost: string; readerHost: string; masterSecretArn: string };
    /** The data volume of each self-managed database server, by server key. */
    dataVolumeIds?: Record<string, string>;
}

/** The plain facts every server's files are rendered from; shared by the program and the rehearsal. */
export function buildStackFacts(input: StackFactsInput): StackFacts {
    const { config, topology } = input;
    const managed = config.database.placement === "rds";
    if (managed && !input.managedDatabase) {
        throw new Error("buildStackFacts: placement rds needs the RDS endpoints");
    }
    const database = managed
        ? { ...input.managedDatabase!, port: PORTS.mysql, managed: true, appUser: DATABASE_USERS.rdsApp }
        : { writerHost: primaryDatabase(topology)!.fqdn, readerHost: replicaDatabase(topology)!.fqdn, port: PORTS.mysql, managed: false, appUser: DATABASE_USERS.app };
    return {
        stack: input.stack,
        region: input.region,
        domain: config.domain,
        backendHop: backendHops(config.backendHop, config.backendHopMigration).dialed,
        servedBackendHops: backendHops(config.backendHop, config.backendHopMigration).served,
        databaseName: config.database.name,
        clientCidrs: config.clientCidrs,
        adminCidrs: config.adminCidrs,
        topology,
        database,
        parameters: secretParameterNames(input.stack),
        certificates: input.certificates,
        monitoring: { site: config.monitoring.site, tags: config.monitoring.tags },
        dataVolumeIds: input.dataVolumeIds ?? {},
    };
}
