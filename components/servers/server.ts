import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

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
    /** cloud-init document from renderCloudInit; must not contain secrets. */
    readonly userData: pulumi.Input<string>;
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
}

/**
 * One EC2 server: its own instance role (SSM Session Manager for administration, read
 * access to its own secrets only), IMDSv2 required, an encrypted root volume, a fixed
 * private address with a private DNS name, and an Elastic IP when it faces clients.
 */
export class Server extends pulumi.ComponentResource {
    readonly instanceId: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly publicIp?: pulumi.Output<string>;
    readonly publicDns?: pulumi.Output<string>;

    constructor(name: string, args: ServerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:servers:Server", name, {}, opts);
        const parent = { parent: this };

        const role = new aws.iam.Role(
            `${name}-role`,
            { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
            parent,
        );
        // Session Manager only. AmazonSSMManagedInstanceCore would also allow ssm:GetParameter(s)
        // on "*", letting any server (the internet-facing LB included) read every secret in
        // the account. These are the actions AWS's own Session-Manager-only instance profile
        // policy grants (AWSCloud9SSMInstanceProfile; "Create a custom IAM role for Session
        // Manager" in the Systems Manager user guide); they open channels, they read nothing.
        new aws.iam.RolePolicy(
            `${name}-session-manager`,
            { role: role.name, policy: JSON.stringify(SESSION_MANAGER_POLICY) },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-secrets`,
            {
                role: role.name,
                policy: pulumi.all([args.secretParameterArns, args.secretsManagerArns ?? []]).apply(([parameterArns, secretArns]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: parameterArns },
                            ...(secretArns.length > 0 ? [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArns }] : []),
                        ],
                    }),
                ),
            },
            parent,
        );
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, parent);

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
                userData: args.userData,
                // A changed config means a rebuilt server, never a half-applied one.
                userDataReplaceOnChange: true,
                metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: args.rootVolumeGb ?? 20, deleteOnTermination: true },
                monitoring: true,
                tags: { Name: name },
            },
            { ...parent, ignoreChanges: ["ami"] },
        );
        this.instanceId = instance.id;
        this.privateIp = instance.privateIp;

        new aws.route53.Record(`${name}-dns`, { zoneId: args.privateZoneId, name: args.fqdn, type: "A", ttl: 60, records: [instance.privateIp] }, parent);

        if (args.publicAddress) {
            const address = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", instance: instance.id, tags: { Name: name } }, parent);
            this.publicIp = address.publicIp;
            this.publicDns = address.publicDns;
        }
        this.registerOutputs({ instanceId: this.instanceId, privateIp: this.privateIp, publicIp: this.publicIp, publicDns: this.publicDns });
    }
}
