import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { withTags } from "../tags";

/** RDS for MySQL 8.4 (8.0 left standard support on 2026-07-31 and bills extended support). */
export const RDS_ENGINE_VERSION = "8.4";
export const RDS_PARAMETER_FAMILY = "mysql8.4";

/**
 * The RDS master user's name. It stays what earlier versions of this program created the
 * instance with: the master username forces a new instance (and so a restore) when it
 * changes. Nothing connects as it but the one-off app-user bootstrap.
 */
export const RDS_MASTER_USERNAME = "webapp";

/** The RDS instances' settings (the stack config's `database` section carries them, see webStackArgs.ts). */
export interface ManagedDatabaseSettings {
    /** RDS instance class of the writer and the replica (db.t4g.small). */
    readonly rdsInstanceClass: pulumi.Input<string>;
    /** Storage of the writer in GiB. */
    readonly rdsAllocatedStorageGb: pulumi.Input<number>;
    /** Days of automated backups. */
    readonly backupRetentionDays: pulumi.Input<number>;
    /** Protect both instances from deletion. */
    readonly deletionProtection: pulumi.Input<boolean>;
    /** Name of the application's database, created with the writer. */
    readonly name: pulumi.Input<string>;
}

export interface ManagedDatabaseArgs {
    readonly config: ManagedDatabaseSettings;
    /** Stack name: part of the final snapshot's name, so stacks and repeated destroys never collide. */
    readonly stack: string;
    /** Database subnets, in two zones at least (Multi-AZ). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The group that lets the app servers reach MySQL. */
    readonly securityGroupId: pulumi.Input<string>;
    /** Tags for every taggable resource, over the provider's default tags (see WebStackArgs.tags). */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

/**
 * Amazon RDS for MySQL: a Multi-AZ writer (a synchronous standby in another zone takes
 * over when the writer fails, the managed answer to the single writer) and a read replica,
 * both encrypted, private, TLS-only, with automated backups. RDS manages the master
 * password in Secrets Manager, so it is never in Pulumi state or outputs; the application
 * gets a least-privilege user of its own (see renderRdsAppUserScript).
 */
export class ManagedDatabase extends pulumi.ComponentResource {
    readonly writerEndpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** ARN of the Secrets Manager secret RDS keeps the master credentials in. */
    readonly masterSecretArn: pulumi.Output<string>;

    constructor(name: string, args: ManagedDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:database:ManagedDatabase", name, {}, opts);
        const parent = { parent: this };
        const config = args.config;

        const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, description: "webstack database subnets", tags: withTags(args.tags) }, parent);
        const parameters = new aws.rds.ParameterGroup(
            `${name}-params`,
            { family: RDS_PARAMETER_FAMILY, description: "webstack: TLS required", parameters: [{ name: "require_secure_transport", value: "1" }], tags: withTags(args.tags) },
            parent,
        );
        // Created once per stack and kept in state: a second stack, or the same stack after a
        // destroy, gets a final snapshot name that no earlier snapshot holds.
        const snapshotSuffix = new random.RandomId(`${name}-final-snapshot-suffix`, { byteLength: 4 }, parent);
        const common = {
            instanceClass: config.rdsInstanceClass,
            vpcSecurityGroupIds: [args.securityGroupId],
            parameterGroupName: parameters.name,
            publiclyAccessible: false,
            storageEncrypted: true,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
            deletionProtection: config.deletionProtection,
            tags: withTags(args.tags),
        };
        const writer = new aws.rds.Instance(
            `${name}-writer`,
            {
                ...common,
                engine: "mysql",
                engineVersion: RDS_ENGINE_VERSION,
                // A major version upgrade (8.0 → 8.4) of an existing instance must be allowed.
                allowMajorVersionUpgrade: true,
                dbName: config.name,
                username: RDS_MASTER_USERNAME,
                manageMasterUserPassword: true,
                allocatedStorage: config.rdsAllocatedStorageGb,
                storageType: "gp3",
                multiAz: true,
                dbSubnetGroupName: subnets.name,
                backupRetentionPeriod: config.backupRetentionDays,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: snapshotSuffix.hex.apply((suffix) => finalSnapshotIdentifier(name, args.stack, suffix)),
            },
            parent,
        );
        const reader = new aws.rds.Instance(
            `${name}-reader`,
            {
                ...common,
                replicateSourceDb: writer.identifier,
                allowMajorVersionUpgrade: true,
                skipFinalSnapshot: true,
            },
            parent,
        );
        this.writerEndpoint = writer.address;
        this.readerEndpoint = reader.address;
        this.port = writer.port;
        this.masterSecretArn = writer.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) {
                throw new Error(`${name}-writer: RDS reported no master user secret although manageMasterUserPassword is set`);
            }
            return arn;
        });
        this.registerOutputs({ writerEndpoint: this.writerEndpoint, readerEndpoint: this.readerEndpoint, port: this.port, masterSecretArn: this.masterSecretArn });
    }
}

/**
 * An RDS snapshot identifier (1-255 letters, digits and hyphens, starting with a letter, no
 * double or trailing hyphen) naming the component, the stack and a per-stack suffix.
 */
export function finalSnapshotIdentifier(componentName: string, stack: string, suffix: string): string {
    const clean = (value: string) =>
        value
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/-+/g, "-")
            .replace(/^-|-$/g, "");
    const identifier = `${clean(componentName)}-${clean(stack)}-writer-final-${clean(suffix)}`.replace(/-+/g, "-").replace(/^[^a-z]+/, "");
    return identifier.slice(0, 255).replace(/-$/, "");
}
