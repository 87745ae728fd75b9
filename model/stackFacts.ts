import { BackendHop } from "./backendHops";
import { PORTS } from "./constants";
import { SecretParameterNames } from "./parameterNames";
import { WebStackPlan } from "./planWebStack";
import { Topology } from "./topology";

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

/** What only exists once resources do: the region, the certificates, the RDS endpoints, the data volumes (or the rehearsal's stand-ins for them). */
export interface StackRuntimeFacts {
    region: string;
    certificates: StackFacts["certificates"];
    /** RDS endpoints and master secret with placement rds; ignored otherwise (the self-managed servers' names are used). */
    managedDatabase?: { writerHost: string; readerHost: string; masterSecretArn: string };
    /** The data volume of each self-managed database server, by server key. */
    dataVolumeIds?: Record<string, string>;
}

/** The plain facts every server's files are rendered from: the plan and what only the resources know. */
export function buildStackFacts(plan: WebStackPlan, runtime: StackRuntimeFacts): StackFacts {
    const { settings, database } = plan;
    if (database.managed && !runtime.managedDatabase) {
        throw new Error("buildStackFacts: placement rds needs the RDS endpoints");
    }
    const endpoints = database.managed ? { ...runtime.managedDatabase! } : { writerHost: database.primary!.fqdn, readerHost: database.replica!.fqdn };
    return {
        stack: plan.stack,
        region: runtime.region,
        domain: settings.domain,
        backendHop: plan.backendHops.dialed,
        servedBackendHops: plan.backendHops.served,
        databaseName: settings.database.name,
        clientCidrs: settings.clientCidrs,
        adminCidrs: settings.adminCidrs,
        topology: plan.topology,
        database: { ...endpoints, port: PORTS.mysql, managed: database.managed, appUser: database.appUser },
        parameters: plan.parameters,
        certificates: runtime.certificates,
        monitoring: { site: settings.monitoring.site, tags: settings.monitoring.tags },
        dataVolumeIds: runtime.dataVolumeIds ?? {},
    };
}
