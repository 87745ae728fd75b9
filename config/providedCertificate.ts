import { createPrivateKey, X509Certificate } from "crypto";

/**
 * Checks a certificate and key given in secret config (certificate.source = provided) with
 * node's X.509 parser, the way a client will judge them: the leaf must match the key, cover
 * both names the load balancer serves, and be valid now. The PEMs are secrets: problems
 * name the key and what is wrong, never the value.
 */
export function checkProvidedCertificate(certificatePem: string, privateKeyPem: string, domain: string, now: Date = new Date()): string[] {
    const problems: string[] = [];
    const certKey = "webstack:certificatePem";
    const keyKey = "webstack:certificateKeyPem";
    if (/PRIVATE KEY-----/.test(certificatePem)) {
        // The certificate lands in user data and plain state; a key there is a leaked key.
        problems.push(`${certKey}: contains a PRIVATE KEY block; give only the certificate chain here and the key in ${keyKey}`);
        return problems;
    }
    let leaf: X509Certificate;
    try {
        leaf = new X509Certificate(certificatePem);
    } catch (error) {
        return [`${certKey}: is not a PEM certificate node can parse (${(error as Error).message}); give the leaf first, then its chain`];
    }
    try {
        const key = createPrivateKey(privateKeyPem);
        if (!leaf.checkPrivateKey(key)) {
            problems.push(`${keyKey}: does not match the certificate in ${certKey} (subject ${leaf.subject.replace(/\n/g, ", ")}); give the key the certificate was issued for`);
        }
    } catch (error) {
        problems.push(`${keyKey}: is not a PEM private key node can parse (${(error as Error).message})`);
    }
    const missing = [`www.${domain}`, domain].filter((name) => leaf.checkHost(name) === undefined);
    if (missing.length > 0) {
        problems.push(
            `${certKey}: does not cover ${missing.join(" and ")} (it names ${leaf.subjectAltName ?? leaf.subject.replace(/\n/g, ", ")}); the load balancer serves www.${domain} and ${domain}`,
        );
    }
    if (new Date(leaf.validTo).getTime() <= now.getTime()) {
        problems.push(`${certKey}: expired on ${new Date(leaf.validTo).toISOString()}; renew it`);
    } else if (new Date(leaf.validFrom).getTime() > now.getTime()) {
        problems.push(`${certKey}: is not valid before ${new Date(leaf.validFrom).toISOString()}`);
    }
    return problems;
}
