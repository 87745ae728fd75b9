import * as pulumi from "@pulumi/pulumi";
import { WebStackArgs } from "./components/webstack";
import { WebstackConfig } from "./config/schema";
import { ProvidedCertificate } from "./config/validateConfig";

/**
 * The validated stack config as WebStack's arguments. WebStack knows nothing of the schema; this
 * is the one place the two meet, key by key, so a schema change that WebStack does not follow
 * fails to compile here. Validation-only keys (adminCidrMinPrefix, database.engine,
 * monitoring.datadogAwsIntegration) stop at the schema.
 */
export function webStackArgs(config: WebstackConfig, stack: string, secrets: { datadogApiKey: pulumi.Input<string>; providedCertificate?: ProvidedCertificate }): WebStackArgs {
    const { database, certificate, monitoring, network } = config;
    return {
        stack,
        domain: config.domain,
        internalDomain: config.internalDomain,
        clientCidrs: config.clientCidrs,
        adminCidrs: config.adminCidrs,
        network: { vpcCidr: network.vpcCidr, availabilityZones: network.availabilityZones, existingVpc: network.existingVpc },
        appServerCount: config.appServerCount,
        appInstanceType: config.appInstanceType,
        loadBalancerInstanceType: config.loadBalancerInstanceType,
        backendHop: config.backendHop,
        backendHopMigration: config.backendHopMigration,
        refreshImage: config.refreshImage,
        database: {
            placement: database.placement,
            instanceType: database.instanceType,
            dataVolumeGb: database.dataVolumeGb,
            rdsInstanceClass: database.rdsInstanceClass,
            rdsAllocatedStorageGb: database.rdsAllocatedStorageGb,
            backupRetentionDays: database.backupRetentionDays,
            deletionProtection: database.deletionProtection,
            name: database.name,
        },
        certificate: {
            source: certificate.source,
            keyAlgorithm: certificate.keyAlgorithm,
            rsaBits: certificate.rsaBits,
            validityDays: certificate.validityDays,
            earlyRenewalDays: certificate.earlyRenewalDays,
            caValidityDays: certificate.caValidityDays,
        },
        monitoring: {
            site: monitoring.site,
            notify: monitoring.notify,
            tags: monitoring.tags,
            qpsSpikeThreshold: monitoring.qpsSpikeThreshold,
            qpsFloor: monitoring.qpsFloor,
            errorRatePercent: monitoring.errorRatePercent,
            responseTimeMs: monitoring.responseTimeMs,
            replicationLagSeconds: monitoring.replicationLagSeconds,
            certificateExpiryDays: monitoring.certificateExpiryDays,
            noDataMinutes: monitoring.noDataMinutes,
        },
        datadogApiKey: secrets.datadogApiKey,
        providedCertificate: secrets.providedCertificate,
    };
}
