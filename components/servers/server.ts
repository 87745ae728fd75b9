import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withTags } from "../tags";
import { bundleKey, renderBootstrap } from "../../render/bootstrap";
import { DATA_VOLUME } from "../../model";

/**
 * The official Debian 13 (trixie) AMI: published by the Debian cloud team's AWS account
 * 136693071363 as debian-13-amd64-<date>-<build> (https://wiki.debian.org/Cloud/AmazonEC2Image).
 * The rehearsal boots the same release. Servers are x86_64 (t3, m6i, ...).
 */
export const DEBIAN_AMI = {
    owner: "136693071363",
    namePattern: "debian-13-amd64-*",
} as const;

/** What the SSM agent needs for Session Manager, and nothing that reads data. */
export const SESSION_MANAGER_POLICY = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Action: ["ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
            Resource: "*",
        },
    ],
} as const;

export interface ServerArgs {
    readonly instanceType: string;
    readonly amiId: pulumi.Input<string>;
    readonly subnetId: pulumi.Input<string>;
    /** Fixed private address (see hostAddress): peers' files name it before it exists. */
    readonly privateIp: string;
    readonly securityGroupIds: pulumi.Input<string>[];
    /** The server's configuration bundle (renderServerBundle); must not contain secrets. */
    readonly bundle: pulumi.Input<string>;
    /** Where bundles live (ConfigBucket). */
    readonly configBucket: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
    readonly region: pulumi.Input<string>;
    /** ARNs of the SSM parameters this server may read at boot, and nothing else. */
    readonly secretParameterArns: pulumi.Input<pulumi.Input<string>[]>;
    /** ARNs of Secrets Manager secrets this server may read (the RDS master secret, for the first app server). */
    readonly secretsManagerArns?: pulumi.Input<pulumi.Input<string>[]>;
    /** Private zone and the name to register there. */
    readonly privateZoneId: pulumi.Input<string>;
    readonly fqdn: string;
    /** Give the server an Elastic IP (the load balancer). */
    readonly publicAddress: boolean;
    readonly rootVolumeGb?: number;
    /** Follow the newest image (webstack:refreshImage): otherwise the server keeps the image it was built from. */
    readonly followLatestImage?: boolean;
    /** The server's data volume (self-managed databases), attached at DATA_VOLUME.device. */
    readonly dataVolumeId?: pulumi.Input<string>;
    /** Tags for every taggable resource, over the provider's default tags (see WebStackArgs.tags); Name stays the server's. */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

/**
 * One EC2 server: its own instance role (SSM Session Manager for administration, read
 * access to its own secrets and its own configuration bundle only), IMDSv2 required, an
 * encrypted root volume, a fixed private address with a private DNS name, and an Elastic IP
 * when it faces clients.
 *
 * Its configuration is the S3 object `<name>-config`, applied on the host by webstack-apply;
 * its user data is the boot script that fetches it, the same bytes whatever the configuration.
 * So a configuration change updates the object and the server picks it up within minutes;
 * only a new boot script, image or instance type replaces the server, deleting it first
 * because its fixed private address cannot be held by two instances at once.
 */
export class Server extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly publicIp?: pulumi.Output<string>;
    readonly publicDns?: pulumi.Output<string>;
    /** s3://<bucket>/<key> of the server's configuration bundle, and the version S3 gave its latest content. */
    readonly configObject: pulumi.Output<string>;
    readonly configVersionId: pulumi.Output<string>;

    constructor(name: string, args: ServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:servers:Server", name, {}, opts);
        const parent = { parent: this };

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
                tags: withTags(args.tags),
            },
            parent,
        );
        // Session Manager only. AmazonSSMManagedInstanceCore would also allow ssm:GetParameter(s)
        // on "*", letting any server (the internet-facing LB included) read every secret in
        // the account. These are the actions AWS's own Session-Manager-only instance profile
        // policy grants (AWSCloud9SSMInstanceProfile; "Create a custom IAM role for Session
        // Manager" in the Systems Manager user guide); they open channels, they read nothing.
        new aws.iam.RolePolicy(`${name}-session-manager`, { role: role.name, policy: JSON.stringify(SESSION_MANAGER_POLICY) }, parent);
        const key = bundleKey(name);
        const bundle = new aws.s3.BucketObjectv2(
            `${name}-config`,
            { bucket: args.configBucket.name, key, content: args.bundle, contentType: "text/cloud-config; charset=utf-8", serverSideEncryption: "AES256", tags: withTags(args.tags) },
            parent,
        );
        const secretsPolicy = new aws.iam.RolePolicy(
            `${name}-secrets`,
            {
                role: role.name,
                policy: pulumi.all([args.secretParameterArns, args.secretsManagerArns ?? [], args.configBucket.arn]).apply(([parameterArns, secretArns, bucketArn]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: parameterArns },
                            ...(secretArns.length > 0 ? [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArns }] : []),
                            { Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucketArn}/${key}`] },
                        ],
                    }),
                ),
            },
            parent,
        );
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: withTags(args.tags) }, parent);

        const instance = new aws.ec2.Instance(
            `${name}`,
            {
                ami: args.amiId,
                instanceType: args.instanceType,
                subnetId: args.subnetId,
                privateIp: args.privateIp,
                vpcSecurityGroupIds: args.securityGroupIds,
                iamInstanceProfile: profile.name,
                associatePublicIpAddress: false,
                userData: pulumi.all([args.region, args.configBucket.name]).apply(([region, bucket]) => renderBootstrap({ region, bucket, key })),
                // The boot script changes only with webstack itself; a server with a new one is rebuilt, never half-booted.
                userDataReplaceOnChange: true,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: args.rootVolumeGb ?? 20, deleteOnTermination: true },
                monitoring: true,
                tags: withTags(args.tags, { Name: name }),
            },
            // The bundle and the role's read access exist before the first boot fetches them.
            // Delete before replace: the replacement needs the fixed private address the old server holds.
            // A new Debian image never replaces every server in one `up`: only the one webstack:refreshImage names follows it.
            { ...parent, ignoreChanges: args.followLatestImage ? [] : ["ami"], deleteBeforeReplace: true, dependsOn: [bundle, secretsPolicy] },
        );
        this.instanceId = instance.id;
        this.privateIp = instance.privateIp;

        if (args.dataVolumeId) {
            // Stopping the instance before detaching shuts MariaDB down cleanly before its disk goes.
            new aws.ec2.VolumeAttachment(`${name}-data`, { deviceName: DATA_VOLUME.device, volumeId: args.dataVolumeId, instanceId: instance.id, stopInstanceBeforeDetaching: true }, parent);
        }

        new aws.route53.Record(`${name}-dns`, { zoneId: args.privateZoneId, name: args.fqdn, type: "A", ttl: 60, records: [instance.privateIp] }, parent);

        if (args.publicAddress) {
            const address = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", instance: instance.id, tags: withTags(args.tags, { Name: name }) }, parent);
            this.publicIp = address.publicIp;
            this.publicDns = address.publicDns;
        }
        this.configObject = pulumi.interpolate`s3://${bundle.bucket}/${bundle.key}`;
        this.configVersionId = bundle.versionId;
        this.registerOutputs({
            instanceId: this.instanceId,
            privateIp: this.privateIp,
            publicIp: this.publicIp,
            publicDns: this.publicDns,
            configObject: this.configObject,
            configVersionId: this.configVersionId,
        });
    }
}
