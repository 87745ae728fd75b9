// What AWS (through the Terraform-bridged Pulumi AWS provider) does when an input is left
// out. A policy that reads "absent" must read it as this default, never as "fine": an
// omitted httpTokens is IMDSv1, an omitted encrypted is a clear-text volume. Each policy
// names the defaults it relies on (assumesDefaults), and tests pin that list.

export interface ProviderDefault {
    /** Where the input sits, as the policy reads it. */
    input: string;
    value: string | boolean | number;
    source: string;
}

export const PROVIDER_DEFAULTS = {
    imdsHttpTokens: {
        input: "metadataOptions.httpTokens (Instance, LaunchTemplate, LaunchConfiguration, SpotInstanceRequest; a SpotFleetRequest's inline launchSpecifications have no such input, so always the default)",
        value: "optional",
        source: "EC2 API Reference, InstanceMetadataOptionsRequest.HttpTokens: optional unless the AMI sets ImdsSupport v2.0 or the account default says otherwise",
    },
    ebsEncrypted: {
        input: "encrypted on rootBlockDevice / ebsBlockDevices / blockDeviceMappings[].ebs / launchSpecifications[].rootBlockDevices and .ebsBlockDevices / aws.ebs.Volume",
        value: false,
        source: "EC2 API Reference, EbsBlockDevice.Encrypted: not encrypted unless the snapshot is encrypted or EBS encryption by default is on for the account and region",
    },
    instanceRootBlockDevice: {
        input: "rootBlockDevice absent on an instance, launch configuration or spot request; no blockDeviceMappings on a launch template; no rootBlockDevices on a spot fleet's launch specification",
        value: "the AMI's root device mapping (Debian and most public AMIs: unencrypted)",
        source: "EC2 User Guide, 'Block device mappings': without a mapping, the AMI's mapping applies",
    },
    albListenerProtocol: {
        input: "protocol on aws.lb.Listener of an application load balancer",
        value: "HTTP",
        source: "Terraform AWS provider, aws_lb_listener 'protocol': defaults to HTTP for Application Load Balancers",
    },
    nlbListenerProtocol: {
        input: "protocol on aws.lb.Listener of a network load balancer",
        value: "TCP",
        source: "Elastic Load Balancing API, CreateListener Protocol: TCP, TLS, UDP or TCP_UDP for Network Load Balancers",
    },
    rdsStorageEncrypted: {
        input: "storageEncrypted on aws.rds.Instance / aws.rds.Cluster",
        value: false,
        source: "RDS API Reference, CreateDBInstance.StorageEncrypted: default false",
    },
    rdsBackupRetentionPeriod: {
        input: "backupRetentionPeriod on aws.rds.Instance",
        value: 1,
        source: "RDS API Reference, CreateDBInstance.BackupRetentionPeriod: default 1 day",
    },
    rdsPubliclyAccessible: {
        input: "publiclyAccessible on aws.rds.Instance",
        value: false,
        source: "RDS API Reference, CreateDBInstance.PubliclyAccessible: default false in a VPC with a DB subnet group (true in a default VPC without one)",
    },
} satisfies Record<string, ProviderDefault>;

export type DefaultName = keyof typeof PROVIDER_DEFAULTS;

/** Which defaults each policy reads absent inputs as (pinned by tests/policy-pack/lib/providerDefaults.test.ts). */
export const POLICY_DEFAULTS: Record<string, DefaultName[]> = {
    "imdsv2-required": ["imdsHttpTokens"],
    "encrypted-volumes": ["ebsEncrypted", "instanceRootBlockDevice"],
    "https-only-frontend": ["albListenerProtocol", "nlbListenerProtocol"],
    "rds-encryption-and-backups": ["rdsStorageEncrypted", "rdsBackupRetentionPeriod"],
    "no-public-database": ["rdsPubliclyAccessible"],
};

/** "Assumes: <input> defaults to <value> (<source>)" for a policy's description. */
export function assumedDefaults(policy: string): string {
    const names = POLICY_DEFAULTS[policy] ?? [];
    return names.length === 0
        ? ""
        : ` Absent inputs are read as the provider's defaults: ${names.map((n) => `${PROVIDER_DEFAULTS[n].input} = ${JSON.stringify(PROVIDER_DEFAULTS[n].value)}`).join("; ")}.`;
}
