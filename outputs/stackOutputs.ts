import * as pulumi from "@pulumi/pulumi";
import { WebStack } from "../components/webstack";

/**
 * The stack outputs: a contract with the teams that read them through a StackReference.
 * Renaming or removing one breaks them, so tests/outputs pins this list; add, don't rename.
 */
export interface WebstackOutputs {
    /** Public URL of the site. */
    url: string;
    /** Elastic IP of the load balancer: point www.<domain> and the apex here. */
    loadBalancerIp: string;
    /** Public DNS name of the load balancer's Elastic IP. */
    loadBalancerDns: string;
    /** PEM of the internal CA: clients of a generated certificate trust this. */
    caCertificatePem: string;
    /** Host name of the database writer (self-managed primary or RDS writer). */
    databaseWriterEndpoint: string;
    /** Host name of the read replica. */
    databaseReaderEndpoint: string;
    /** The database user the application connects as. */
    databaseAppUser: string;
    /**
     * SSM SecureString parameter holding that user's password: consumers with read access to
     * it fetch it at run time. No output carries a password.
     */
    databaseAppPasswordParameter: string;
    /** Security group ids by role: loadBalancer, app, and database unless colocated. */
    securityGroupIds: Record<string, string>;
    vpcId: string;
    /** Subnet ids by tier (public, app, database), in zone order. */
    subnetIds: Record<string, string[]>;
    /** Datadog monitor ids by key (web-qps-spike, web-qps-drop, …). */
    monitorIds: Record<string, string>;
    dashboardUrl: string;
}

export type OutputName = keyof WebstackOutputs;

/** Every output name, in the order the README documents them. */
export const OUTPUT_NAMES: OutputName[] = [
    "url",
    "loadBalancerIp",
    "loadBalancerDns",
    "caCertificatePem",
    "databaseWriterEndpoint",
    "databaseReaderEndpoint",
    "databaseAppUser",
    "databaseAppPasswordParameter",
    "securityGroupIds",
    "vpcId",
    "subnetIds",
    "monitorIds",
    "dashboardUrl",
];

/** Outputs that must only ever be exported as Pulumi secrets: none; no output carries a secret value. */
export const SECRET_OUTPUTS: OutputName[] = [];

export function stackOutputs(stack: WebStack, appPasswordParameter: string): { [K in OutputName]: pulumi.Output<WebstackOutputs[K]> } {
    return {
        url: stack.url,
        loadBalancerIp: stack.loadBalancerIp,
        loadBalancerDns: stack.loadBalancerDns,
        caCertificatePem: stack.caCertificatePem,
        databaseWriterEndpoint: stack.databaseWriterEndpoint,
        databaseReaderEndpoint: stack.databaseReaderEndpoint,
        databaseAppUser: stack.databaseAppUser,
        databaseAppPasswordParameter: pulumi.output(appPasswordParameter),
        securityGroupIds: pulumi.output(stack.securityGroupIds),
        vpcId: stack.vpcId,
        subnetIds: pulumi.output(stack.subnetIds),
        monitorIds: pulumi.output(stack.monitorIds),
        dashboardUrl: stack.dashboardUrl,
    };
}
