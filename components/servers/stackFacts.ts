import { secretParameterNames } from "../secrets/parameterNames";
import { BackendHop } from "../loadbalancer/renderHaproxyConfig";
import { BackendHopMigration, backendHops, DATABASE_USERS, PORTS, StackFacts } from "./serverFiles";
import { DatabasePlacement, primaryDatabase, replicaDatabase, Topology } from "./topology";

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
