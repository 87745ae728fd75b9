// One EC2 server, and the bucket every server's configuration bundle lives in.
export { ConfigBucket, KEPT_BUNDLE_VERSIONS, NONCURRENT_DAYS, tlsOnlyBucketPolicy } from "./configBucket";
export type { ConfigBucketArgs } from "./configBucket";
export { DEBIAN_AMI, Server, SESSION_MANAGER_POLICY } from "./server";
export type { ServerArgs } from "./server";
