/**
 * How the stack's certificates are made (the stack config's `certificate` section maps onto it
 * one to one; see webStackArgs.ts). Plain values: they decide which resources exist and
 * are computed with before anything is created.
 */
export interface CertificateSettings {
    /** generated: the internal CA signs the load balancer certificate; provided: a certificate and key are given (CertificatesArgs.provided). */
    readonly source: "generated" | "provided";
    /** Key algorithm of every generated key (ECDSA is P-256). */
    readonly keyAlgorithm: "ECDSA" | "RSA";
    /** RSA key size when keyAlgorithm is RSA. */
    readonly rsaBits: number;
    /** Validity of leaf certificates (load balancer and backends), in days. */
    readonly validityDays: number;
    /** Renew leaf certificates on the next `pulumi up` this many days before they expire. */
    readonly earlyRenewalDays: number;
    /** Validity of the internal CA, in days. */
    readonly caValidityDays: number;
}

export interface ServerIdentity {
    /** Server key (app-0, db-1): the certificate's resource name suffix. */
    key: string;
    fqdn: string;
    privateIp: string;
}

export type KeySpec = { algorithm: "ECDSA"; ecdsaCurve: "P256" } | { algorithm: "RSA"; rsaBits: number };

/** What one certificate says and how long it lives: the spec both @pulumi/tls and the rehearsal's openssl follow. */
export interface CertificateSpec {
    /** "ca", "frontend" or a server key. */
    id: string;
    commonName: string;
    organization: string;
    dnsNames: string[];
    ipAddresses: string[];
    isCa: boolean;
    validityPeriodHours: number;
    earlyRenewalHours: number;
    allowedUses: string[];
}

const HOURS_PER_DAY = 24;

/** Organisation named in every certificate of a stack. */
export function certificateOrganization(stack: string): string {
    return `webstack ${stack}`;
}
export const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];
export const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];

export function keySpec(config: CertificateSettings): KeySpec {
    return config.keyAlgorithm === "ECDSA" ? { algorithm: "ECDSA", ecdsaCurve: "P256" } : { algorithm: "RSA", rsaBits: config.rsaBits };
}

/**
 * The stack's certificates as data: the internal CA, the load balancer's certificate for
 * www.<domain> and the apex (unless provided), and one per backend/database server for its
 * private name and address.
 */
export function certificateSpecs(config: CertificateSettings, domain: string, servers: ServerIdentity[], organization: string): CertificateSpec[] {
    const leaf = {
        organization,
        isCa: false,
        validityPeriodHours: config.validityDays * HOURS_PER_DAY,
        earlyRenewalHours: config.earlyRenewalDays * HOURS_PER_DAY,
        allowedUses: SERVER_USES,
    };
    const specs: CertificateSpec[] = [
        {
            id: "ca",
            commonName: `${organization} internal CA`,
            organization,
            dnsNames: [],
            ipAddresses: [],
            isCa: true,
            validityPeriodHours: config.caValidityDays * HOURS_PER_DAY,
            // Renew the CA well before it expires: every leaf must be reissued with it.
            earlyRenewalHours: Math.min(config.caValidityDays / 4, 180) * HOURS_PER_DAY,
            allowedUses: CA_USES,
        },
    ];
    if (config.source === "generated") {
        specs.push({ ...leaf, id: "frontend", commonName: `www.${domain}`, dnsNames: [`www.${domain}`, domain], ipAddresses: [] });
    }
    for (const server of servers) {
        specs.push({ ...leaf, id: server.key, commonName: server.fqdn, dnsNames: [server.fqdn], ipAddresses: [server.privateIp] });
    }
    return specs;
}
