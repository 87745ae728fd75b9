import { z } from "zod";
import { canonicalIpv4Cidr, ipv4Prefix, ipv4Range, isCanonicalIpv4Cidr, rangesOverlap, unionCoversInternet } from "../policy-pack/lib/cidr";

/**
 * The project's configuration schema: every `webstack:*` key, its type, its default and
 * what values are allowed. Pulumi.yaml documents the same keys for `pulumi config`; the
 * defaults live here too because Pulumi.yaml defaults are not applied under test mocks.
 */

/**
 * An IPv4 CIDR in canonical form only. ipaddr.js (like inet_aton) also reads "0/0", hex and
 * octal octets; AWS and nft read some of those differently or not at all, so a string guard
 * could be passed by a CIDR that means the whole internet. The message names the canonical
 * form when there is an unambiguous one.
 */
const ipv4Cidr = z.string().superRefine((value, ctx) => {
    if (isCanonicalIpv4Cidr(value)) {
        return;
    }
    const canonical = canonicalIpv4Cidr(value);
    const decimalQuad = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}\/(0|[1-9]\d?)$/.test(value);
    ctx.addIssue({
        code: "custom",
        message:
            canonical && decimalQuad
                ? `must be an IPv4 CIDR with the host bits clear: write ${canonical}`
                : "must be an IPv4 CIDR block in canonical form, four decimal octets and a prefix, such as 203.0.113.0/24 (no hex, octal, leading zeros or shortened forms)",
    });
});

/** CIDR lists become one rule each: a duplicate or a block inside another is a mistake, not a wish. */
function refuseRedundantCidrs(cidrs: string[], ctx: z.RefinementCtx): void {
    cidrs.forEach((cidr, i) => {
        if (!isCanonicalIpv4Cidr(cidr)) return;
        const earlier = cidrs.slice(0, i).findIndex((other) => other === cidr);
        if (earlier >= 0) {
            ctx.addIssue({ code: "custom", path: [i], message: `duplicates entry ${earlier}; list each CIDR once` });
            return;
        }
        const container = cidrs.findIndex((other, j) => j !== i && other !== cidr && isCanonicalIpv4Cidr(other) && contains(other, cidr));
        if (container >= 0) {
            ctx.addIssue({ code: "custom", path: [i], message: `lies inside entry ${container} (${cidrs[container]}); drop the narrower one` });
        }
    });
}

function contains(outer: string, inner: string): boolean {
    const a = ipv4Range(outer);
    const b = ipv4Range(inner);
    return a.first <= b.first && b.last <= a.last;
}

const cidrList = z.array(ipv4Cidr).superRefine(refuseRedundantCidrs);

const dnsName = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
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
    .superRefine((n, ctx) => {
        // AWS accepts VPCs from /16 to /28; the planned subnets (the VPC split in 16) need /22.
        if (n.existingVpc === undefined && isCanonicalIpv4Cidr(n.vpcCidr)) {
            const prefix = ipv4Prefix(n.vpcCidr);
            if (prefix < 16 || prefix > 22) {
                ctx.addIssue({
                    code: "custom",
                    path: ["vpcCidr"],
                    message: "must be a /16 to /22: AWS allows VPCs from /16 to /28, and the stack splits the VPC into 16 equal subnets, which must be /26 or larger",
                });
            }
        }
        if (n.existingVpc) {
            refuseOverlappingSubnets(n.existingVpc, ctx);
        }
    });

type ExistingSubnets = Record<"publicSubnets" | "appSubnets" | "databaseSubnets", { id: string; cidr: string }[]>;

/** Two subnets that share addresses would give two servers the same fixed address. */
function refuseOverlappingSubnets(existing: ExistingSubnets, ctx: z.RefinementCtx): void {
    const all = (["publicSubnets", "appSubnets", "databaseSubnets"] as const).flatMap((tier) => existing[tier].map((subnet, index) => ({ tier, index, ...subnet })));
    all.forEach((subnet, i) => {
        const clash = all
            .slice(0, i)
            .find((other) => other.id === subnet.id || (isCanonicalIpv4Cidr(other.cidr) && isCanonicalIpv4Cidr(subnet.cidr) && rangesOverlap(ipv4Range(other.cidr), ipv4Range(subnet.cidr))));
        if (clash) {
            const what = clash.id === subnet.id ? `is the same subnet (${subnet.id})` : `overlaps ${clash.cidr}`;
            ctx.addIssue({
                code: "custom",
                path: ["existingVpc", subnet.tier, subnet.index, clash.id === subnet.id ? "id" : "cidr"],
                message: `${what} as existingVpc.${clash.tier}[${clash.index}]; every tier and zone needs a subnet of its own, or two servers get the same address`,
            });
        }
    });
}

export const databaseSchema = z
    .object({
        /**
         * colocated: MySQL on the app servers (the reference design); dedicated: separate
         * primary and replica instances; rds: Amazon RDS for MySQL, Multi-AZ, with a replica.
         */
        placement: z.enum(["colocated", "dedicated", "rds"]).default("dedicated"),
        /**
         * Self-managed engine: Debian's MariaDB (11.8 on Debian 13), the only one. The MySQL 8
         * flavour was removed; the key stays so existing configs that say mariadb still pass,
         * and one that says mysql is told what replaces it. RDS always runs MySQL.
         */
        engine: z
            .string()
            .default("mariadb")
            .superRefine((engine, ctx) => {
                if (engine === "mysql") {
                    ctx.addIssue({
                        code: "custom",
                        message:
                            "the self-managed MySQL 8 flavour was removed: self-managed databases run Debian's MariaDB 11.8. Set database.engine to mariadb (or drop the key), or use database.placement rds for MySQL on Amazon RDS",
                    });
                } else if (engine !== "mariadb") {
                    ctx.addIssue({ code: "custom", message: 'must be "mariadb" (self-managed databases run Debian\'s MariaDB; use database.placement rds for MySQL)' });
                }
            }),
        /** Instance type of dedicated database servers. */
        instanceType: instanceType.default("t3.small"),
        /** Size of each self-managed database server's data volume in GiB (colocated and dedicated; the volume outlives the server). */
        dataVolumeGb: z.number().int().min(8).max(16384).default(20),
        /** RDS instance class (placement rds). */
        rdsInstanceClass: z
            .string()
            .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be an RDS class such as db.t4g.small" })
            .default("db.t4g.small"),
        /** RDS storage in GiB (placement rds). */
        rdsAllocatedStorageGb: z.number().int().min(20).max(65536).default(20),
        /** Days of automated backups (placement rds). */
        backupRetentionDays: z.number().int().min(1).max(35).default(7),
        /** Protect the RDS instances from deletion (placement rds). */
        deletionProtection: z.boolean().default(true),
        /** Name of the application's database. */
        name: z
            .string()
            .regex(/^[a-z][a-z0-9_]{0,63}$/, { message: "must be a MySQL identifier such as webapp" })
            .default("webapp"),
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
    })
    // A leaf signed near the end of the CA's life would outlive the CA, and clients stop
    // trusting a certificate whose issuer has expired.
    .refine((c) => c.validityDays < c.caValidityDays, {
        message: "validityDays must be smaller than caValidityDays: a leaf certificate must not outlive the internal CA that signs it",
        path: ["validityDays"],
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
    .regex(/^[a-z][a-z0-9_./-]*:[a-z0-9_.:/-]+$/, {
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
        qpsFloor: z.number().positive({ message: "must be greater than 0: the QPS-drop monitor fires when QPS falls below it, and QPS is never below 0" }).default(0.1),
        /** 5xx responses as a percentage of all responses (critical). */
        errorRatePercent: z.number().positive().max(100).default(5),
        /** Average backend response time in milliseconds (critical). */
        responseTimeMs: z.number().positive().default(500),
        /** Replication lag in seconds (critical). */
        replicationLagSeconds: z.number().positive().default(60),
        /** Alert when a TLS certificate expires in fewer days than this. */
        certificateExpiryDays: z.number().int().positive().default(14),
        /**
         * Whether the Datadog AWS integration is set up for the account (it collects the
         * CloudWatch metrics of RDS, aws.rds.*). Required with database.placement rds, whose
         * replica-lag monitor reads them; this program does not create the integration.
         */
        datadogAwsIntegration: z.boolean().default(false),
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
        clientCidrs: cidrList.min(1).default(["0.0.0.0/0"]),
        /** CIDRs allowed to SSH to the servers. Empty: no SSH, administer through SSM Session Manager. */
        adminCidrs: cidrList.default([]),
        /** The shortest prefix an admin CIDR may have: SSH to a /8 is SSH to the world. */
        adminCidrMinPrefix: z.number().int().min(8).max(32).default(16),
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
        /**
         * Switching backendHop on a running stack without a failed request takes three `up`s,
         * each applied by every server before the next (expand, switch, contract):
         * serve-both: the app servers serve both hops (both ports open to the load balancer),
         * which still dials the hop being left; dial-new: the load balancer dials backendHop,
         * the app servers still serve both; then remove it: only backendHop is served.
         */
        backendHopMigration: z.enum(["serve-both", "dial-new"]).optional(),
        /**
         * Servers that follow the newest Debian 13 image (at most one at a time): the next `up`
         * replaces it if a newer image exists. Every other server keeps the image it was built from.
         */
        refreshImage: z
            .array(z.string())
            .max(1, { message: "lists more than one server: refresh images one server at a time (database replica first), removing each key once its server is replaced" })
            .default([]),
        database: databaseSchema.prefault({}),
        certificate: certificateSchema.prefault({}),
        monitoring: monitoringSchema.prefault({}),
    })
    .strict()
    .superRefine((c, ctx) => {
        // Refinements run even when a field failed its own check: never trust appServerCount's size here.
        const appServers = Number.isInteger(c.appServerCount) && c.appServerCount >= 1 && c.appServerCount <= 20 ? c.appServerCount : 0;
        const serverKeys = ["lb", ...Array.from({ length: appServers }, (_, i) => `app-${i}`), ...(c.database.placement === "dedicated" ? ["db-0", "db-1"] : [])];
        c.refreshImage.forEach((key, i) => {
            if (!serverKeys.includes(key)) {
                ctx.addIssue({ code: "custom", path: ["refreshImage", i], message: `is not a server of this stack; servers: ${serverKeys.join(", ")}` });
            }
        });
        if (c.database.placement === "colocated" && c.appServerCount < 2) {
            ctx.addIssue({
                code: "custom",
                path: ["appServerCount"],
                message: "database.placement colocated puts the primary and the replica on the first two app servers, so appServerCount must be at least 2",
            });
        }
        c.adminCidrs.forEach((cidr, i) => {
            if (isCanonicalIpv4Cidr(cidr) && ipv4Prefix(cidr) < c.adminCidrMinPrefix) {
                ctx.addIssue({
                    code: "custom",
                    path: ["adminCidrs", i],
                    message: `is wider than /${c.adminCidrMinPrefix} (adminCidrMinPrefix): SSH to that many addresses is SSH to the world; name your office or VPN CIDR, or use SSM Session Manager`,
                });
            }
        });
        if (unionCoversInternet(c.adminCidrs)) {
            ctx.addIssue({ code: "custom", path: ["adminCidrs"], message: "together cover every IPv4 address: SSH open to the world; use SSM Session Manager or name your office CIDR" });
        }
        if (c.database.placement === "rds" && !c.monitoring.datadogAwsIntegration) {
            ctx.addIssue({
                code: "custom",
                path: ["monitoring", "datadogAwsIntegration"],
                message:
                    "must be true with database.placement rds: the RDS replica-lag monitor reads aws.rds.* metrics, which only the Datadog AWS integration collects. Set it up for this account (Datadog: Integrations → Amazon Web Services), then set webstack:monitoring.datadogAwsIntegration to true",
            });
        }
        refuseSubnetsTooSmall(c, ctx);
        refuseDomainsBeyondDnsLimits(c, ctx);
        refuseShadowingInternalDomain(c, ctx);
    });

/**
 * Servers take fixed addresses from .10 of their subnet on (see hostAddress), spread over the
 * tier's subnets in turn; AWS keeps the last address of a subnet. An existing subnet too small
 * for its share of servers would otherwise fail deep inside the program with no key named.
 */
function refuseSubnetsTooSmall(c: { appServerCount: number; database: { placement: string }; network: { existingVpc?: ExistingSubnets } }, ctx: z.RefinementCtx): void {
    const existing = c.network.existingVpc;
    if (!existing) return;
    const servers: Record<keyof ExistingSubnets, number> = {
        publicSubnets: 1,
        appSubnets: c.appServerCount,
        databaseSubnets: c.database.placement === "dedicated" ? 2 : 0,
    };
    for (const tier of Object.keys(servers) as (keyof ExistingSubnets)[]) {
        const subnets = existing[tier];
        subnets.forEach((subnet, zone) => {
            if (!isCanonicalIpv4Cidr(subnet.cidr)) return;
            const here = Math.ceil((servers[tier] - zone) / subnets.length);
            if (here <= 0) return;
            const size = 2 ** (32 - ipv4Prefix(subnet.cidr));
            const needed = 10 + here + 1; // .0-.9 unused (AWS reserves .0-.3), the servers, the broadcast address
            if (size < needed) {
                ctx.addIssue({
                    code: "custom",
                    path: ["network", "existingVpc", tier, zone, "cidr"],
                    message: `holds ${size} addresses but ${here} server(s) need ${needed} (addresses from .10, AWS keeps the last); use a /${32 - Math.ceil(Math.log2(needed))} or larger, or add subnets in more zones`,
                });
            }
        });
    }
}

/** The longest server name the topology can produce (app-19, db-1, lb). */
const LONGEST_SERVER_LABEL = "app-19";

/** DNS allows 253 characters in a name and 63 in a label; www.<domain> and app-19.<internalDomain> are names too. */
function refuseDomainsBeyondDnsLimits(c: { domain: string; internalDomain: string }, ctx: z.RefinementCtx): void {
    const check = (key: "domain" | "internalDomain", longest: string) => {
        if (longest.length > 253) {
            ctx.addIssue({ code: "custom", path: [key], message: `makes ${longest.slice(0, 40)}… ${longest.length} characters long; DNS names are at most 253` });
        }
    };
    check("domain", `www.${c.domain}`);
    check("internalDomain", `${LONGEST_SERVER_LABEL}.${c.internalDomain}`);
}

/**
 * The private zone answers every query for its name inside the VPC. Named after a public
 * domain (amazonaws.com, or anyone else's), it would hide that domain from the servers, and
 * with it the AWS endpoints they boot from. Only the ICANN-reserved private TLD .internal,
 * or a name under the stack's own domain, cannot shadow someone else's.
 */
function refuseShadowingInternalDomain(c: { domain: string; internalDomain: string }, ctx: z.RefinementCtx): void {
    const under = (name: string, parent: string) => name === parent || name.endsWith(`.${parent}`);
    if (!under(c.internalDomain, "internal") && !under(c.internalDomain, c.domain)) {
        ctx.addIssue({
            code: "custom",
            path: ["internalDomain"],
            message: `must end in .internal (the TLD reserved for private use) or lie under the stack's domain (${c.domain}): a private zone for any other name hides that public domain from the servers`,
        });
    }
}

export type WebstackConfig = z.infer<typeof configSchema>;
export type DatabaseConfig = WebstackConfig["database"];
export type CertificateConfig = WebstackConfig["certificate"];
export type MonitoringConfig = WebstackConfig["monitoring"];
export type NetworkConfig = WebstackConfig["network"];

/** Config keys that hold secrets and so are not part of the schema above. */
export const secretKeys = ["certificatePem", "certificateKeyPem"] as const;
