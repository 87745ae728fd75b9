import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withTags } from "../tags";

/** Noncurrent bundle versions kept for rollback and audit (older ones expire after NONCURRENT_DAYS). */
export const KEPT_BUNDLE_VERSIONS = 10;
export const NONCURRENT_DAYS = 90;

export interface ConfigBucketArgs {
    /** Tags for the bucket, over the provider's default tags (see WebStackArgs.tags). */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The bucket the servers' configuration bundles live in: private (public access blocked,
 * ACLs disabled), encrypted at rest (SSE-S3), versioned (every applied bundle can be found
 * again), and reachable over TLS only. Each server's role may read its own object and no
 * other (see Server). It holds rendered configuration, never secrets, so `pulumi destroy`
 * removes it with every version (forceDestroy).
 */
export class ConfigBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: ConfigBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:servers:ConfigBucket", name, {}, opts);
        const parent = { parent: this };
        const bucket = new aws.s3.Bucket(name, { forceDestroy: true, tags: withTags(args.tags) }, parent);
        const bucketRef = { bucket: bucket.bucket };
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { ...bucketRef, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { ...bucketRef, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { ...bucketRef, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
            parent,
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { ...bucketRef, versioningConfiguration: { status: "Enabled" } }, parent);
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                ...bucketRef,
                rules: [
                    {
                        id: "expire-old-bundle-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_DAYS, newerNoncurrentVersions: KEPT_BUNDLE_VERSIONS },
                    },
                ],
            },
            { ...parent, dependsOn: [versioning] },
        );
        new aws.s3.BucketPolicy(
            `${name}-tls-only`,
            {
                ...bucketRef,
                policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
            },
            // S3 refuses a bucket policy while the public access block is still being applied.
            { ...parent, dependsOn: [publicAccess] },
        );
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}

/** Denies every request that does not arrive over TLS (the aws:SecureTransport condition key). */
export function tlsOnlyBucketPolicy(bucketArn: string): object {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyPlaintext",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}
