/**
 * Which inputs force a replacement, per resource type the program uses: the ONE table the plan
 * compare (plan/comparePlans.ts) reads.
 *
 * Source: the upstream Terraform providers the Pulumi providers bridge. @pulumi/aws,
 * @pulumi/tls, @pulumi/random and @pulumi/datadog are bridged Terraform providers and inherit
 * each attribute's `ForceNew: true` (SDKv2) or `RequiresReplace()` plan modifier (plugin
 * framework) as a replacement in `pulumi preview`. Names here are the Pulumi (camelCase)
 * input names; a nested path ("rootBlockDevice.encrypted") means that field of the block.
 *
 * Each entry cites the file and the commit it was read at. The stored AWS files come from
 * different commits of hashicorp/terraform-provider-aws (the code index holds one version per
 * file); they are NOT verified to be the exact upstream commit @pulumi/aws 7.48.0 pins.
 * Attributes that are only ForceNew in combinations this program does not use are listed
 * anyway (they cost nothing and keep the table a faithful copy of the schema).
 *
 * A type missing from this table is reported as "unknown: cannot tell update from replace"
 * rather than guessed.
 */
export interface ReplaceTriggers {
    /** Inputs whose change replaces the resource. */
    inputs: string[];
    /** Inputs that replace the resource only while the named boolean input is true. */
    replaceWhen?: Record<string, string>;
    /** repo, path and commit read, plus anything the table cannot express. */
    source: string;
}

const AWS = "hashicorp/terraform-provider-aws";
const TLS = "hashicorp/terraform-provider-tls @ d72d90e1b47b7cb5ce6863f528af3154963d61b7 (v4.2.1+23)";
const RANDOM = "hashicorp/terraform-provider-random @ ad788e233bb42be5ecad3ba8f43de0d9d9dc7185 (v3.9.0+4)";
const DATADOG = "DataDog/terraform-provider-datadog @ 701d55bc44f349de6074a6f770c26fcbfb4ce8b1 (v4.19.0+1)";
// The configuration bucket and its objects (components/servers/configBucket.ts, server.ts).
const S3_SUBRESOURCE = `${AWS} internal/service/s3/bucket_*.go: each bucket sub-resource is keyed by its bucket (and expected owner), which are ForceNew; not read file by file here (NOT VERIFIED per file)`;

export const REPLACE_TRIGGERS: Record<string, ReplaceTriggers> = {
    "aws:ec2/instance:Instance": {
        inputs: [
            "ami",
            "associatePublicIpAddress",
            "availabilityZone",
            "cpuOptions.amdSevSnp",
            "cpuOptions.coreCount",
            "cpuOptions.threadsPerCore",
            "cpuCoreCount",
            "cpuThreadsPerCore",
            "ebsBlockDevices",
            "ebsOptimized",
            "enclaveOptions.enabled",
            "ephemeralBlockDevices",
            "hibernation",
            "hostId",
            "ipv6AddressCount",
            "ipv6Addresses",
            "keyName",
            "launchTemplate",
            "networkInterfaces",
            "placementGroup",
            "placementPartitionNumber",
            "privateDnsNameOptions",
            "privateIp",
            "rootBlockDevice.encrypted",
            "rootBlockDevice.kmsKeyId",
            "securityGroups",
            "subnetId",
            "tenancy",
        ],
        // customdiff.ForceNewIf("user_data", ... user_data_replace_on_change) in the same file.
        replaceWhen: { userData: "userDataReplaceOnChange", userDataBase64: "userDataReplaceOnChange" },
        source: `${AWS} internal/service/ec2/ec2_instance.go @ 0015dfcd06d5d78e5e1c3cabe8cea837d379d1c7 (instanceType, iamInstanceProfile, metadataOptions, monitoring, vpcSecurityGroupIds, rootBlockDevice size/type/deleteOnTermination are in-place)`,
    },
    "aws:ec2/eip:Eip": {
        inputs: ["address", "domain", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"],
        source: `${AWS} internal/service/ec2/ec2_eip.go @ 01606926a0c0ab9174aec440f976a48b0baee722`,
    },
    "aws:ec2/vpc:Vpc": {
        inputs: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
        source: `${AWS} internal/service/ec2/vpc_.go @ 00081ce41cc691433ac19bf42227cdabffd0454d`,
    },
    "aws:ec2/subnet:Subnet": {
        inputs: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength", "ipv6IpamPoolId", "ipv6Native", "ipv6NetmaskLength", "outpostArn", "vpcId"],
        source: `${AWS} internal/service/ec2/vpc_subnet.go @ 00cda125a19d31754cb0d073cf551264c57955cb (ipv6CidrBlock replaces only when assignIpv6AddressOnCreation was true; not expressed, the program sets no IPv6)`,
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        inputs: ["description", "name", "namePrefix", "vpcId"],
        source: `${AWS} internal/service/ec2/vpc_security_group.go @ 01606926a0c0ab9174aec440f976a48b0baee722`,
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        // ModifyPlan also replaces when the source kind changes (cidrIpv4 <-> cidrIpv6 <-> prefixListId <-> referencedSecurityGroupId).
        inputs: ["securityGroupId"],
        source: `${AWS} internal/service/ec2/vpc_security_group_ingress_rule.go @ 00a322094b4b9ade8a81b244345dbcf4b52ee8d6 (RequiresReplace on security_group_id; a change of source kind also replaces)`,
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        inputs: ["securityGroupId"],
        source: `${AWS} internal/service/ec2/vpc_security_group_ingress_rule.go @ 00a322094b4b9ade8a81b244345dbcf4b52ee8d6 (the egress rule shares the ingress rule's schema there)`,
    },
    "aws:iam/role:Role": {
        inputs: ["name", "namePrefix", "path"],
        source: `${AWS} internal/service/iam/role.go @ 0040ea6911af00bea2cca6dbb14e86829826ad8e`,
    },
    "aws:iam/rolePolicy:RolePolicy": {
        inputs: ["name", "namePrefix", "role"],
        source: `${AWS} internal/service/iam/role_policy.go @ 02f97af85f89a04e8ed89f5e8b64a9a67f3cfe07`,
    },
    "aws:iam/instanceProfile:InstanceProfile": {
        inputs: ["name", "namePrefix", "path"],
        source: `${AWS} internal/service/iam/instance_profile.go @ 013f1736b90439e5a19567a87d3e5cd11858c420 (role is in-place)`,
    },
    "aws:route53/zone:Zone": {
        inputs: ["delegationSetId", "name"],
        source: `${AWS} internal/service/route53/zone.go @ 036631a1dee59efb6d1986c0a19b373402bda29f (vpcs, comment are in-place)`,
    },
    "aws:route53/record:Record": {
        inputs: ["name", "zoneId"],
        source: `${AWS} internal/service/route53/record.go @ 00655c1681ea1e49ab10cd32d3f8bee372b2095b (records, ttl, type are in-place)`,
    },
    "aws:ssm/parameter:Parameter": {
        // CustomizeDiff also replaces on a tier change from Advanced to Standard.
        inputs: ["dataType", "name"],
        source: `${AWS} internal/service/ssm/parameter.go @ 0073593e7d6993ba482409f4dc35438daaa79bb3 (value, type, description are in-place; tier Advanced->Standard replaces)`,
    },
    "aws:rds/instance:Instance": {
        inputs: [
            "availabilityZone",
            "characterSetName",
            "customIamInstanceProfile",
            "dbName",
            "engine",
            "identifier",
            "identifierPrefix",
            "kmsKeyId",
            "name",
            "ncharCharacterSetName",
            "restoreToPointInTime",
            "s3Import",
            "snapshotIdentifier",
            "storageEncrypted",
            "timezone",
            "username",
        ],
        source: `${AWS} internal/service/rds/instance.go @ 00e4b23838859616dd0ebc9d1fd9364c0f6bff22 (instanceClass, engineVersion, allocatedStorage, multiAz are in-place)`,
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        inputs: ["description", "family", "name", "namePrefix"],
        source: `${AWS} internal/service/rds/parameter_group.go @ 01606926a0c0ab9174aec440f976a48b0baee722`,
    },
    "aws:rds/subnetGroup:SubnetGroup": {
        inputs: ["name", "namePrefix"],
        source: `${AWS} internal/service/rds/subnet_group.go @ 01c08000ddb14181b5bd19201d8fca311dc570e4`,
    },
    "tls:index/privateKey:PrivateKey": {
        inputs: ["algorithm", "ecdsaCurve", "rsaBits"],
        source: `${TLS} internal/provider/resource_private_key.go`,
    },
    "tls:index/certRequest:CertRequest": {
        inputs: ["dnsNames", "ipAddresses", "privateKeyPem", "subject", "uris"],
        source: `${TLS} internal/provider/resource_cert_request.go (privateKeyPem: requireReplaceIfStateContainsPEMString)`,
    },
    "tls:index/selfSignedCert:SelfSignedCert": {
        inputs: ["allowedUses", "dnsNames", "ipAddresses", "isCaCertificate", "maxPathLength", "privateKeyPem", "setAuthorityKeyId", "setSubjectKeyId", "subject", "uris", "validityPeriodHours"],
        source: `${TLS} internal/provider/resource_self_signed_cert.go (also replaced once inside earlyRenewalHours of expiry: renewal)`,
    },
    "tls:index/locallySignedCert:LocallySignedCert": {
        inputs: ["allowedUses", "caCertPem", "caPrivateKeyPem", "certRequestPem", "isCaCertificate", "maxPathLength", "setSubjectKeyId", "validityPeriodHours"],
        source: `${TLS} internal/provider/resource_locally_signed_cert.go (PEM inputs: requireReplaceIfStateContainsPEMString; also replaced once inside earlyRenewalHours of expiry: renewal)`,
    },
    "random:index/randomPassword:RandomPassword": {
        inputs: ["keepers", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper", "number", "numeric", "overrideSpecial", "special", "upper"],
        source: `${RANDOM} internal/provider/resource_password.go`,
    },
    "random:index/randomId:RandomId": {
        inputs: ["byteLength", "keepers", "prefix"],
        source: `${RANDOM} internal/provider/resource_id.go`,
    },
    "datadog:index/monitor:Monitor": {
        inputs: ["type"],
        source: `${DATADOG} datadog/resource_datadog_monitor.go`,
    },
    "datadog:index/dashboard:Dashboard": {
        inputs: ["layoutType"],
        source: `${DATADOG} datadog/resource_datadog_dashboard.go`,
    },
    "aws:ec2/internetGateway:InternetGateway": {
        inputs: [],
        source: `${AWS} internal/service/ec2/vpc_internet_gateway.go @ 08923b68b5ad6fcfdd38362fb5247e39a9b07add (no ForceNew input: vpcId detaches and re-attaches in place)`,
    },
    "aws:ec2/routeTable:RouteTable": {
        inputs: ["vpcId"],
        source: `${AWS} internal/service/ec2/vpc_route_table.go @ 022092419b7cda11527df3c6b51cbfe1876c1722 (routes are in-place)`,
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        inputs: ["gatewayId", "subnetId"],
        source: `${AWS} internal/service/ec2/vpc_route_table_association.go @ 0be71beb458ad8875e0acc5c91519c0ceeb214aa (routeTableId is in-place)`,
    },
    "aws:ec2/natGateway:NatGateway": {
        inputs: ["allocationId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount", "subnetId"],
        source: `${AWS} internal/service/ec2/vpc_nat_gateway.go @ 04088eaa54948421bf1ef7494ae2b2c01d9243e3`,
    },
    "aws:ec2/volumeAttachment:VolumeAttachment": {
        inputs: ["deviceName", "instanceId", "volumeId"],
        source: `${AWS} internal/service/ec2/ebs_volume_attachment.go (device_name, instance_id, volume_id ForceNew; NOT VERIFIED at a pinned commit)`,
    },
    "aws:ebs/volume:Volume": {
        inputs: ["availabilityZone", "encrypted", "kmsKeyId", "multiAttachEnabled", "outpostArn", "snapshotId"],
        source: `${AWS} internal/service/ec2/ebs_volume.go @ 0073593e7d6993ba482409f4dc35438daaa79bb3 (size, type, iops, throughput are in-place)`,
    },
    "aws:s3/bucket:Bucket": {
        inputs: ["bucket", "bucketPrefix", "bucketNamespace", "objectLockEnabled", "region"],
        source: `${AWS} internal/service/s3/bucket.go (bucket, bucket_prefix, object_lock_enabled ForceNew; bucket_namespace and region as every v6 resource's identity; NOT VERIFIED at a pinned commit)`,
    },
    "aws:s3/bucketObjectv2:BucketObjectv2": {
        // content changes upload a new version in place (resourceObjectUpdate → upload): a bundle change is an update.
        inputs: ["bucket", "key"],
        source: `${AWS} @ 01c08000ddb14181b5bd19201d8fca311dc570e4 internal/service/s3/bucket_object.go read (bucket, key ForceNew; content/source re-uploaded on update); aws_s3_object (object.go) has the same two ForceNew keys (NOT VERIFIED)`,
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { inputs: ["bucket"], source: S3_SUBRESOURCE },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { inputs: ["bucket"], source: S3_SUBRESOURCE },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { inputs: ["bucket", "expectedBucketOwner"], source: S3_SUBRESOURCE },
    "aws:s3/bucketVersioning:BucketVersioning": { inputs: ["bucket", "expectedBucketOwner"], source: S3_SUBRESOURCE },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { inputs: ["bucket", "expectedBucketOwner"], source: S3_SUBRESOURCE },
    "aws:s3/bucketPolicy:BucketPolicy": { inputs: ["bucket"], source: S3_SUBRESOURCE },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        inputs: ["policyArn", "role"],
        source: `${AWS} internal/service/iam/role_policy_attachment.go @ 04c79849dbe7fbe76c3054b364357bcdaade9ac5 (no Update: every input is ForceNew)`,
    },
};

/**
 * Resources whose replacement or deletion loses data or an address other systems hold: the
 * compare exits 1 when one of them would be replaced or deleted. The one list of them.
 */
export const STATEFUL_TYPES: readonly string[] = ["aws:ebs/volume:Volume", "aws:rds/instance:Instance", "aws:ec2/eip:Eip", "aws:route53/zone:Zone"];

/** Certificates the TLS provider re-issues (replaces) when they enter earlyRenewalHours. */
export const RENEWED_ON_SCHEDULE: readonly string[] = ["tls:index/selfSignedCert:SelfSignedCert", "tls:index/locallySignedCert:LocallySignedCert"];
