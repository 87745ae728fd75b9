import * as ipaddr from "ipaddr.js";
import { z } from "zod";

/**
 * The project's configuration schema: every `webstack:*` key, its type, its default and
 * what values are allowed. Pulumi.yaml documents the same keys for `pulumi config`; the
 * defaults live here too because Pulumi.yaml defaults are not applied under test mocks.
 */

const ipv4Cidr = z.string().refine(isIpv4Cidr, { message: "must be an IPv4 CIDR block such as 203.0.113.0/24" });

function isIpv4Cidr(value: string): boolean {
    if (!ipaddr.IPv4.isValidCIDR(value)) {
        return false;
    }
    // Reject host bits set (10.0.0.1/16): AWS refuses them and they usually mean a typo.
    const [address, prefix] = ipaddr.IPv4.parseCIDR(value);
    return ipaddr.IPv4.networkAddressFromCIDR(value).toString() === address.toString() && prefix >= 0;
}

const dnsName = z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
        message: "must be a lower-case DNS name such as example.com",
    });

const instanceType = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type such as t3.small" });

/**
 * Existing subnets, one per zone. Their CIDRs are given too: server addresses are derived
 * from them before anything is created, so peers can name each other without a cycle.
 */
const existingSubnets = z
    .array(
        z
            .object({
                id: z.string().regex(/^subnet-[0-9a-f]+$/, { message: "must be a subnet id (subnet-…)" }),
                cidr: ipv4Cidr,
            })
            .strict(),
    )
    .min(2, { message: "needs at least two subnets, in two availability zones" });

export const networkSchema = z
    .object({
        /** CIDR of the VPC the program creates. Ignored when existingVpc is set. */
        vpcCidr: ipv4Cidr.default("10.20.0.0/16"),
        /** How many availability zones the subnets span (2 or 3). */
        availabilityZones: z.number().int().min(2).max(3).default(2),
        /** Use an existing VPC and its subnets instead of creating one. */
        existingVpc: z
            .object({
                vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, { message: "must be a VPC id (vpc-…)" }),
                publicSubnets: existingSubnets,
                appSubnets: existingSubnets,
                databaseSubnets: existingSubnets,
            })
            .strict()
            .optional(),
    })
    .strict()
    .refine((n) => n.existingVpc !== undefined || prefixLength(n.vpcCidr) <= 22, {
        message: "vpcCidr must be /22 or larger so that six /26 subnets fit",
        path: ["vpcCidr"],
    });

function prefixLength(cidr: string): number {
    return ipaddr.IPv4.isValidCIDR(cidr) ? ipaddr.IPv4.parseCIDR(cidr)[1] : 0;
}

export const databaseSchema = z
    .object({
        /**
         * colocated: MySQL on the app servers (the reference design); dedicated: separate
         * primary and replica instances; rds: Amazon RDS for MySQL, Multi-AZ, with a replica.
         */
        placement: z.enum(["colocated", "dedicated", "rds"]).default("dedicated"),
        /** Self-managed engine flavour (colocated/dedicated). RDS always runs MySQL. */
        engine: z.enum(["mysql", "mariadb"]).default("mysql"),
        /** Instance type of dedicated database servers. */
        instanceType: instanceType.default("t3.small"),
        /** RDS instance class (placement rds). */
        rdsInstanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be an RDS class such as db.t4g.small" }).default("db.t4g.small"),
        /** RDS storage in GiB (placement rds). */
        rdsAllocatedStorageGb: z.number().int().min(20).max(65536).default(20),
        /** Days of automated backups (placement rds). */
        backupRetentionDays: z.number().int().min(1).max(35).default(7),
        /** Protect the RDS instances from deletion (placement rds). */
        deletionProtection: z.boolean().default(true),
        /** Name of the application's database. */
        name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, { message: "must be a MySQL identifier such as webapp" }).default("webapp"),
    })
    .strict();

export const certificateSchema = z
    .object({
        /** generated: the internal CA signs the load balancer certificate; provided: PEMs from secret config. */
        source: z.enum(["generated", "provided"]).default("generated"),
        /** Key algorithm of every generated key. */
        keyAlgorithm: z.enum(["ECDSA", "RSA"]).default("ECDSA"),
        /** RSA key size when keyAlgorithm is RSA. */
        rsaBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
        /** Validity of leaf certificates (load balancer and backends), in days. */
        validityDays: z.number().int().min(1).max(397).default(90),
        /** Renew leaf certificates on the next `pulumi up` this many days before they expire. */
        earlyRenewalDays: z.number().int().min(1).default(30),
        /** Validity of the internal CA, in days. */
        caValidityDays: z.number().int().min(30).max(3650).default(1825),
    })
    .strict()
    .refine((c) => c.earlyRenewalDays < c.validityDays, {
        message: "earlyRenewalDays must be smaller than validityDays",
        path: ["earlyRenewalDays"],
    });

/**
 * A Datadog tag as Datadog's docs define it ("Getting Started with Tags"): starts with a
 * letter; then lower-case letters, digits, underscores, minuses, colons, periods and
 * slashes; at most 200 characters. We also ask for key:value, and keep the keys the stack
 * sets itself (env, service, role) for the stack. The tags reach the agent's install script
 * and every monitor query, so nothing else may pass.
 */
const RESERVED_TAG_KEYS = ["env", "service", "role"];
const datadogTag = z
    .string()
    .max(200, { message: "must be at most 200 characters (Datadog's tag limit)" })
    .regex(/^[a-z][a-z0-9_.\/-]*:[a-z0-9_.:\/-]+$/, {
        message: "must be a Datadog tag key:value: a lower-case letter first, then only a-z, 0-9, _ - : . / (no quotes, spaces, commas or $)",
    })
    .refine((tag) => !RESERVED_TAG_KEYS.includes(tag.split(":")[0]), { message: `must not use the keys the stack sets itself: ${RESERVED_TAG_KEYS.join(", ")}` });

export const monitoringSchema = z
    .object({
        /** Datadog site the agents report to. */
        site: z.enum(["datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ddog-gov.com"]).default("datadoghq.com"),
        /** Who the monitors notify, e.g. "@pagerduty-web @slack-ops". */
        notify: z.string().default(""),
        /** Extra tags on every monitor and on every agent, as key:value. */
        tags: z.array(datadogTag).default([]),
        /** Web QPS above this on the load balancer is a spike (critical). */
        qpsSpikeThreshold: z.number().positive().default(500),
        /** Web QPS below this for 10 minutes means traffic dropped to (almost) zero. */
        qpsFloor: z.number().min(0).default(0.1),
        /** 5xx responses as a percentage of all responses (critical). */
        errorRatePercent: z.number().positive().max(100).default(5),
        /** Average backend response time in milliseconds (critical). */
        responseTimeMs: z.number().positive().default(500),
        /** Replication lag in seconds (critical). */
        replicationLagSeconds: z.number().positive().default(60),
        /** Alert when a TLS certificate expires in fewer days than this. */
        certificateExpiryDays: z.number().int().positive().default(14),
        /** Minutes without data before a monitor reports "no data" (each monitor uses at least twice its own window). */
        noDataMinutes: z.number().int().min(2).default(10),
    })
    .strict()
    .refine((m) => m.qpsFloor < m.qpsSpikeThreshold, { message: "qpsFloor must be smaller than qpsSpikeThreshold", path: ["qpsFloor"] });

/** Every `webstack:*` config key. Secret keys (certificatePem, certificateKeyPem) are checked separately. */
export const configSchema = z
    .object({
        /** Apex domain; the site is served as www.<domain> and <domain>. */
        domain: dnsName,
        /** Private DNS zone for server names inside the VPC. */
        internalDomain: dnsName.default("webstack.internal"),
        /** CIDRs allowed to reach the load balancer on 80/443. */
        clientCidrs: z.array(ipv4Cidr).min(1).default(["0.0.0.0/0"]),
        /** CIDRs allowed to SSH to the servers. Empty: no SSH, administer through SSM Session Manager. */
        adminCidrs: z.array(ipv4Cidr).default([]),
        network: networkSchema.prefault({}),
        /** Number of application servers (nginx + app). */
        appServerCount: z.number().int().min(1).max(20).default(2),
        /** Instance type of the application servers. */
        appInstanceType: instanceType.default("t3.small"),
        /** Instance type of the load balancer. */
        loadBalancerInstanceType: instanceType.default("t3.small"),
        /**
         * plaintext: HAProxy talks HTTP to the backends (the reference design); tls: HAProxy
         * re-encrypts and verifies every backend against the internal CA.
         */
        backendHop: z.enum(["plaintext", "tls"]).default("tls"),
        database: databaseSchema.prefault({}),
        certificate: certificateSchema.prefault({}),
        monitoring: monitoringSchema.prefault({}),
    })
    .strict()
    .superRefine((c, ctx) => {
        if (c.database.placement === "colocated" && c.appServerCount < 2) {
            ctx.addIssue({
                code: "custom",
                path: ["appServerCount"],
                message: "database.placement colocated puts the primary and the replica on the first two app servers, so appServerCount must be at least 2",
            });
        }
        if (c.adminCidrs.some((cidr) => cidr === "0.0.0.0/0")) {
            ctx.addIssue({ code: "custom", path: ["adminCidrs"], message: "must not contain 0.0.0.0/0: SSH open to the world; use SSM Session Manager or name your office CIDR" });
        }
    });

export type WebstackConfig = z.infer<typeof configSchema>;
export type DatabaseConfig = WebstackConfig["database"];
export type CertificateConfig = WebstackConfig["certificate"];
export type MonitoringConfig = WebstackConfig["monitoring"];
export type NetworkConfig = WebstackConfig["network"];

/** Config keys that hold secrets and so are not part of the schema above. */
export const secretKeys = ["certificatePem", "certificateKeyPem"] as const;
