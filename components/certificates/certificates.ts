import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { CertificateSettings, CertificateSpec, certificateSpecs, keySpec, ServerIdentity } from "../../model";

/** A PEM certificate chain and its private key, used for the load balancer instead of a generated certificate. */
export interface ProvidedCertificate {
    /** Leaf first, then the intermediates. */
    readonly certificatePem: pulumi.Input<string>;
    /** Made a Pulumi secret here whatever it is given as. */
    readonly privateKeyPem: pulumi.Input<string>;
}

export interface CertificatesArgs {
    /** How certificates are made: key algorithm, validities, generated or provided. */
    readonly config: CertificateSettings;
    /** Apex domain; the load balancer certificate covers it and www.<domain>. */
    readonly domain: string;
    /** Servers that need a certificate of their own (app servers, database servers). */
    readonly servers: ServerIdentity[];
    /** A certificate and key from secret config, used instead of a generated one. */
    readonly provided?: ProvidedCertificate;
    /** Organisation named in every certificate (the project and stack). */
    readonly organization: string;
}

/**
 * The stack's certificates (see certificateSpecs): an internal CA, the load balancer's
 * certificate (generated and signed by the CA, or provided), and one per backend and
 * database server for re-encryption and replication TLS. Every private key is a secret.
 */
export class Certificates extends pulumi.ComponentResource {
    readonly caCertificatePem: pulumi.Output<string>;
    /** Leaf + CA chain served by HAProxy. */
    readonly frontendCertificatePem: pulumi.Output<string>;
    readonly frontendPrivateKeyPem: pulumi.Output<string>;
    readonly serverCertificatePems: Record<string, pulumi.Output<string>>;
    readonly serverPrivateKeyPems: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        // webstack:<folder>:<class>; registered as webstack:tls:Certificates until this version, which the alias keeps answering.
        super("webstack:certificates:Certificates", name, {}, pulumi.mergeOptions(opts, { aliases: [{ type: "webstack:tls:Certificates" }] }));
        const parent = { parent: this };
        const specs = certificateSpecs(args.config, args.domain, args.servers, args.organization);
        const specOf = (id: string) => specs.find((s) => s.id === id)!;
        const newKey = (id: string) => new tls.PrivateKey(`${name}-${id}`, keySpec(args.config), { ...parent, additionalSecretOutputs: ["privateKeyPem", "privateKeyOpenssh", "privateKeyPemPkcs8"] });
        const validity = (spec: CertificateSpec) => ({ validityPeriodHours: spec.validityPeriodHours, earlyRenewalHours: spec.earlyRenewalHours, allowedUses: spec.allowedUses });

        const caSpec = specOf("ca");
        const caKey = newKey("ca");
        const ca = new tls.SelfSignedCert(
            `${name}-ca`,
            { privateKeyPem: caKey.privateKeyPem, isCaCertificate: true, subject: { commonName: caSpec.commonName, organization: caSpec.organization }, ...validity(caSpec) },
            parent,
        );
        this.caCertificatePem = ca.certPem;

        const signed = (spec: CertificateSpec, privateKeyPem: pulumi.Output<string>) => {
            const request = new tls.CertRequest(
                `${name}-${spec.id}`,
                { privateKeyPem, subject: { commonName: spec.commonName, organization: spec.organization }, dnsNames: spec.dnsNames, ipAddresses: spec.ipAddresses },
                parent,
            );
            return new tls.LocallySignedCert(`${name}-${spec.id}`, { certRequestPem: request.certRequestPem, caPrivateKeyPem: caKey.privateKeyPem, caCertPem: ca.certPem, ...validity(spec) }, parent)
                .certPem;
        };

        if (args.config.source === "provided") {
            if (!args.provided) {
                throw new Error('Certificates: certificate.source is "provided" but no certificate was given');
            }
            this.frontendCertificatePem = pulumi.output(args.provided.certificatePem);
            this.frontendPrivateKeyPem = pulumi.secret(args.provided.privateKeyPem);
        } else {
            const frontendKey = newKey("frontend");
            this.frontendPrivateKeyPem = frontendKey.privateKeyPem;
            // Clients trust it once they trust the CA (published as a stack output).
            this.frontendCertificatePem = pulumi.all([signed(specOf("frontend"), frontendKey.privateKeyPem), ca.certPem]).apply(([leaf, caPem]) => `${leaf.trim()}\n${caPem.trim()}\n`);
        }

        this.serverCertificatePems = {};
        this.serverPrivateKeyPems = {};
        for (const server of args.servers) {
            const key = newKey(server.key);
            this.serverPrivateKeyPems[server.key] = key.privateKeyPem;
            this.serverCertificatePems[server.key] = signed(specOf(server.key), key.privateKeyPem);
        }

        // The private keys stay Pulumi secrets (the tls provider marks them so): registered, encrypted in state.
        this.registerOutputs({
            caCertificatePem: this.caCertificatePem,
            frontendCertificatePem: this.frontendCertificatePem,
            frontendPrivateKeyPem: this.frontendPrivateKeyPem,
            serverCertificatePems: this.serverCertificatePems,
            serverPrivateKeyPems: this.serverPrivateKeyPems,
        });
    }
}
