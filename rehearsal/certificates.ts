import * as fs from "fs";
import * as path from "path";
import { CertificateSpec, KeySpec } from "../model";
import { must } from "./exec";

export interface IssuedCertificate {
    id: string;
    certificatePem: string;
    /** Same format as @pulumi/tls: SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY". */
    keyPem: string;
}

export interface IssuedCertificates {
    ca: IssuedCertificate;
    /** By spec id: "frontend" and each app/db server key. */
    leaves: Record<string, IssuedCertificate>;
}

const USAGE_NAMES: Record<string, string> = {
    digital_signature: "digitalSignature",
    key_encipherment: "keyEncipherment",
    cert_signing: "keyCertSign",
    crl_signing: "cRLSign",
};
const EXTENDED_USAGE_NAMES: Record<string, string> = { server_auth: "serverAuth", client_auth: "clientAuth" };

async function generateKey(spec: KeySpec, file: string): Promise<void> {
    if (spec.algorithm === "ECDSA") {
        await must(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file]);
    } else {
        await must(["openssl", "genrsa", "-traditional", "-out", file, String(spec.rsaBits)]);
    }
}

function extensions(spec: CertificateSpec): string {
    const keyUsage = spec.allowedUses.filter((u) => USAGE_NAMES[u]).map((u) => USAGE_NAMES[u]);
    const extended = spec.allowedUses.filter((u) => EXTENDED_USAGE_NAMES[u]).map((u) => EXTENDED_USAGE_NAMES[u]);
    const sans = [...spec.dnsNames.map((d) => `DNS:${d}`), ...spec.ipAddresses.map((ip) => `IP:${ip}`)];
    return [
        `basicConstraints = critical, CA:${spec.isCa ? "TRUE" : "FALSE"}`,
        keyUsage.length ? `keyUsage = critical, ${keyUsage.join(", ")}` : "",
        extended.length ? `extendedKeyUsage = ${extended.join(", ")}` : "",
        sans.length ? `subjectAltName = ${sans.join(", ")}` : "",
        "subjectKeyIdentifier = hash",
        spec.isCa ? "" : "authorityKeyIdentifier = keyid",
    ]
        .filter(Boolean)
        .join("\n");
}

const subject = (spec: CertificateSpec) => `/O=${spec.organization}/CN=${spec.commonName}`;
const days = (spec: CertificateSpec) => String(Math.max(1, Math.floor(spec.validityPeriodHours / 24)));

/**
 * Issues the stack's CA and leaves with openssl, to the same spec (subject, SANs, key type,
 * validity, uses) the program gives @pulumi/tls. `caName` lets the faults issue a rogue CA.
 */
export async function issueCertificates(specs: CertificateSpec[], key: KeySpec, dir: string): Promise<IssuedCertificates> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const caSpec = specs.find((s) => s.isCa);
    if (!caSpec) {
        throw new Error("certificate specs have no CA");
    }
    const ca = await selfSigned(caSpec, key, dir);
    const leaves: Record<string, IssuedCertificate> = {};
    for (const spec of specs.filter((s) => !s.isCa)) {
        leaves[spec.id] = await signedBy(spec, key, ca, dir);
    }
    return { ca, leaves };
}

export async function selfSigned(spec: CertificateSpec, key: KeySpec, dir: string): Promise<IssuedCertificate> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyFile = path.join(dir, `${spec.id}.key`);
    const certFile = path.join(dir, `${spec.id}.crt`);
    const extFile = path.join(dir, `${spec.id}.ext`);
    await generateKey(key, keyFile);
    fs.writeFileSync(extFile, `[v3]\n${extensions(spec)}\n[req]\ndistinguished_name = dn\n[dn]\n`);
    await must(["openssl", "req", "-new", "-x509", "-key", keyFile, "-subj", subject(spec), "-days", days(spec), "-sha256", "-config", extFile, "-extensions", "v3", "-out", certFile]);
    return { id: spec.id, certificatePem: fs.readFileSync(certFile, "utf8"), keyPem: fs.readFileSync(keyFile, "utf8") };
}

export async function signedBy(spec: CertificateSpec, key: KeySpec, ca: IssuedCertificate, dir: string): Promise<IssuedCertificate> {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keyFile = path.join(dir, `${spec.id}.key`);
    const csrFile = path.join(dir, `${spec.id}.csr`);
    const certFile = path.join(dir, `${spec.id}.crt`);
    const extFile = path.join(dir, `${spec.id}.ext`);
    const caCert = path.join(dir, `${ca.id}-signer.crt`);
    const caKey = path.join(dir, `${ca.id}-signer.key`);
    fs.writeFileSync(caCert, ca.certificatePem);
    fs.writeFileSync(caKey, ca.keyPem, { mode: 0o600 });
    await generateKey(key, keyFile);
    fs.writeFileSync(extFile, extensions(spec));
    await must(["openssl", "req", "-new", "-key", keyFile, "-subj", subject(spec), "-out", csrFile]);
    await must([
        "openssl",
        "x509",
        "-req",
        "-in",
        csrFile,
        "-CA",
        caCert,
        "-CAkey",
        caKey,
        "-set_serial",
        `0x${Date.now().toString(16)}${Math.floor(Math.random() * 1e6).toString(16)}`,
        "-days",
        days(spec),
        "-sha256",
        "-extfile",
        extFile,
        "-out",
        certFile,
    ]);
    return { id: spec.id, certificatePem: fs.readFileSync(certFile, "utf8"), keyPem: fs.readFileSync(keyFile, "utf8") };
}
