import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseConfig } from "../../config/schema";

export interface ManagedDatabaseArgs {
    readonly config: DatabaseConfig;
    readonly subnetIds: pulumi.Input<string>[];
    readonly securityGroupId: pulumi.Input<string>;
    /** The application user is the RDS master user; its password is a Pulumi secret. */
    readonly username: string;
    readonly password: pulumi.Input<string>;
}

/**
 * Amazon RDS for MySQL 8.0: a Multi-AZ writer (a synchronous standby in another zone takes
 * over when the writer fails, the managed answer to the single writer) and a read replica,
 * both encrypted, private, TLS-only, with automated backups.
 */
export class ManagedDatabase extends pulumi.ComponentResource {
    readonly writerEndpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;

    constructor(name: string, args: ManagedDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:database:ManagedDatabase", name, {}, opts);
        const parent = { parent: this };
        const config = args.config;

        const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { subnetIds: args.subnetIds, description: "webstack database subnets" }, parent);
        const parameters = new aws.rds.ParameterGroup(
            `${name}-params`,
            { family: "mysql8.0", description: "webstack: TLS required", parameters: [{ name: "require_secure_transport", value: "1" }] },
            parent,
        );
        const common = {
            instanceClass: config.rdsInstanceClass,
            vpcSecurityGroupIds: [args.securityGroupId],
            parameterGroupName: parameters.name,
            publiclyAccessible: false,
            storageEncrypted: true,
            autoMinorVersionUpgrade: true,
            copyTagsToSnapshot: true,
            deletionProtection: config.deletionProtection,
        };
        const writer = new aws.rds.Instance(
            `${name}-writer`,
            {
                ...common,
                engine: "mysql",
                engineVersion: "8.0",
                dbName: config.name,
                username: args.username,
                password: args.password,
                allocatedStorage: config.rdsAllocatedStorageGb,
                storageType: "gp3",
                multiAz: true,
                dbSubnetGroupName: subnets.name,
                backupRetentionPeriod: config.backupRetentionDays,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${name}-writer-final`,
            },
            parent,
        );
        const reader = new aws.rds.Instance(
            `${name}-reader`,
            {
                ...common,
                replicateSourceDb: writer.identifier,
                skipFinalSnapshot: true,
            },
            parent,
        );
        this.writerEndpoint = writer.address;
        this.readerEndpoint = reader.address;
        this.port = writer.port;
        this.registerOutputs({ writerEndpoint: this.writerEndpoint, readerEndpoint: this.readerEndpoint });
    }
}
