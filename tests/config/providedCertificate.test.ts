import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkProvidedCertificate } from "../../config/providedCertificate";
import { ConfigError, validateConfig } from "../../config/validateConfig";

// Real certificates, made with openssl for each case.
interface Issued {
    cert: string;
    key: string;
}

describe("provided certificates (certificate.source = provided)", () => {
    let dir: string;
    let serial = 1;
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });

    function issue(names: string[], start: string, end: string): Issued {
        const id = `leaf${serial}`;
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${id}.key`, "-out", `${id}.csr`, "-subj", `/CN=${names[0]}`);
        fs.writeFileSync(path.join(dir, "serial"), `${String(serial++).padStart(2, "0")}\n`);
        fs.writeFileSync(
            path.join(dir, `${id}.cnf`),
            `[ca]\ndefault_ca = local\n[local]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\nx509_extensions = leaf\n[any]\ncommonName = supplied\n[leaf]\nsubjectAltName = ${names.map((n) => `DNS:${n}`).join(",")}\n`,
        );
        openssl("ca", "-batch", "-config", `${id}.cnf`, "-cert", "ca.crt", "-keyfile", "ca.key", "-in", `${id}.csr`, "-out", `${id}.crt`, "-startdate", start, "-enddate", end, "-notext");
        return { cert: fs.readFileSync(path.join(dir, `${id}.crt`), "utf8"), key: fs.readFileSync(path.join(dir, `${id}.key`), "utf8") };
    }

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-certs-"));
        fs.writeFileSync(path.join(dir, "index.txt"), "");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca", "-days", "3650");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const NOW = new Date("2026-11-22T12:00:00Z");
    const valid = () => issue(["www.example.com", "example.com"], "20261101000000Z", "20270101000000Z");

    it("accepts a matching, current certificate for www.<domain> and <domain>", () => {
        const { cert, key } = valid();
        assert.deepEqual(checkProvidedCertificate(cert, key, "example.com", NOW), []);
    });

    it("refuses a PRIVATE KEY block inside certificatePem, without echoing it", () => {
        const { cert, key } = valid();
        const problems = checkProvidedCertificate(`${cert}${key}`, key, "example.com", NOW);
        assert.equal(problems.length, 1);
        assert.match(problems[0], /^webstack:certificatePem: contains a PRIVATE KEY block/);
        assert.ok(!problems[0].includes(key.split("\n")[1]), "the key is not in the message");
    });

    it("refuses a key that does not match the certificate", () => {
        const { cert } = valid();
        const other = valid();
        assert.match(checkProvidedCertificate(cert, other.key, "example.com", NOW).join("\n"), /webstack:certificateKeyPem: does not match the certificate/);
    });

    it("refuses a certificate that does not cover both names", () => {
        const { cert, key } = issue(["www.example.com"], "20261101000000Z", "20270101000000Z");
        assert.match(checkProvidedCertificate(cert, key, "example.com", NOW).join("\n"), /webstack:certificatePem: does not cover example\.com \(it names DNS:www\.example\.com\)/);
        const other = issue(["www.example.org", "example.org"], "20261101000000Z", "20270101000000Z");
        assert.match(checkProvidedCertificate(other.cert, other.key, "example.com", NOW).join("\n"), /does not cover www\.example\.com and example\.com/);
    });

    it("refuses an expired certificate and one not yet valid", () => {
        const expired = issue(["www.example.com", "example.com"], "20250101000000Z", "20250401000000Z");
        assert.match(checkProvidedCertificate(expired.cert, expired.key, "example.com", NOW).join("\n"), /webstack:certificatePem: expired on 2025-04-01T00:00:00\.000Z/);
        const future = issue(["www.example.com", "example.com"], "20270101000000Z", "20270301000000Z");
        assert.match(checkProvidedCertificate(future.cert, future.key, "example.com", NOW).join("\n"), /is not valid before 2027-01-01/);
    });

    it("refuses text that is not a certificate", () => {
        const { key } = valid();
        assert.match(checkProvidedCertificate("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----", key, "example.com", NOW).join("\n"), /is not a PEM certificate/);
    });

    it("runs inside validateConfig, which hands back a good pair", () => {
        const { cert, key } = issue(["www.example.com", "example.com"], "20250101000000Z", "20991231000000Z");
        const { providedCertificate } = validateConfig({
            "webstack:domain": "example.com",
            "datadog:apiKey": "k",
            "datadog:appKey": "a",
            "webstack:certificate": '{"source":"provided"}',
            "webstack:certificatePem": cert,
            "webstack:certificateKeyPem": key,
        });
        assert.deepEqual(providedCertificate, { certificatePem: cert, privateKeyPem: key });
    });

    it("runs inside validateConfig, so a bad pair registers nothing", () => {
        const { cert } = valid();
        const other = valid();
        assert.throws(
            () =>
                validateConfig({
                    "webstack:domain": "example.com",
                    "datadog:apiKey": "k",
                    "datadog:appKey": "a",
                    "webstack:certificate": '{"source":"provided"}',
                    "webstack:certificatePem": cert,
                    "webstack:certificateKeyPem": other.key,
                }),
            (error: unknown) => error instanceof ConfigError && error.problems.some((p) => /certificateKeyPem: does not match/.test(p)),
        );
    });
});
