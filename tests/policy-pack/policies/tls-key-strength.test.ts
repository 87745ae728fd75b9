import * as assert from "assert";
import { validatePolicyConfig } from "../../../plan/evaluatePolicies";
import { tlsKeyStrength as policy } from "../../../policy-pack/policies/tls-key-strength";
import { check, resource } from "../fixtures";

const key = (name: string, inputs: Record<string, unknown>) => resource("tls:index/privateKey:PrivateKey", name, inputs);

describe("tls-key-strength", () => {
    it("passes RSA 2048 (also by default), ECDSA P256/P384 and ED25519", () => {
        assert.deepStrictEqual(
            check(policy, [
                key("a", { algorithm: "RSA" }),
                key("b", { algorithm: "RSA", rsaBits: 4096 }),
                key("c", { algorithm: "ECDSA", ecdsaCurve: "P256" }),
                key("d", { algorithm: "ED25519" }),
                key("e", {}),
            ]),
            [],
        );
    });
    it("uses the configured minimum RSA size", () => {
        assert.strictEqual(check(policy, [key("a", { algorithm: "RSA" })], { "tls-key-strength": { minRsaBits: 3072 } }).length, 1);
    });
    it("flags small RSA, P224 (also the provider default) and unknown algorithms, naming the key, the weakness and the fix", () => {
        const findings = check(policy, [
            key("rsa", { algorithm: "RSA", rsaBits: 1024 }),
            key("p224", { algorithm: "ECDSA", ecdsaCurve: "P224" }),
            key("default-curve", { algorithm: "ECDSA" }),
            key("dsa", { algorithm: "DSA" }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.message]),
            [
                ["rsa", "rsa: RSA key of 1024 bits is below the minimum 2048. Set `rsaBits` to 3072 (or at least 2048)."],
                ["p224", "p224: ECDSA curve P224 is too weak. Set `ecdsaCurve` to one of P256, P384, P521."],
                ["default-curve", "default-curve: ECDSA curve P224 (the tls provider default) is too weak. Set `ecdsaCurve` to one of P256, P384, P521."],
                ["dsa", 'dsa: algorithm DSA is not one of RSA, ECDSA, ED25519. Set `algorithm` to "RSA", "ECDSA" or "ED25519".'],
            ],
        );
    });
    it("suggests rsaBits of the configured minimum when it is above 3072", () => {
        const config = { "tls-key-strength": { minRsaBits: 4096 } };
        const findings = check(policy, [key("rsa3072", { algorithm: "RSA", rsaBits: 3072 }), key("rsa4096", { algorithm: "RSA", rsaBits: 4096 })], config);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.message]),
            [["rsa3072", "rsa3072: RSA key of 3072 bits is below the minimum 4096. Set `rsaBits` to 4096 (or at least 4096)."]],
        );
    });
    it("accepts P521 by default, and judges curves by the configured allowedEcdsaCurves", () => {
        assert.deepStrictEqual(check(policy, [key("p521", { algorithm: "ECDSA", ecdsaCurve: "P521" })]), []);
        const onlyP384 = { "tls-key-strength": { allowedEcdsaCurves: ["P384"] } };
        const findings = check(policy, [key("p256", { algorithm: "ECDSA", ecdsaCurve: "P256" }), key("p384", { algorithm: "ECDSA", ecdsaCurve: "P384" })], onlyP384);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.message]),
            [["p256", "p256: ECDSA curve P256 is too weak. Set `ecdsaCurve` to one of P384."]],
        );
        const withP224 = { "tls-key-strength": { allowedEcdsaCurves: ["P224", "P256"] } };
        assert.deepStrictEqual(check(policy, [key("default-curve", { algorithm: "ECDSA" })], withP224), []);
    });
    it("does not guess at an unknown rsaBits or ecdsaCurve", () => {
        assert.deepStrictEqual(check(policy, [key("rsa", { algorithm: "RSA", rsaBits: { unknown: true } }), key("ecdsa", { algorithm: "ECDSA", ecdsaCurve: { unknown: true } })]), []);
    });
    it("judges only tls PrivateKey resources", () => {
        const weak = { algorithm: "RSA", rsaBits: 1024 };
        assert.deepStrictEqual(check(policy, [resource("tls:index/certRequest:CertRequest", "csr", weak)]), []);
        assert.deepStrictEqual(
            check(policy, [key("key", weak)]).map((f) => f.resource),
            ["key"],
        );
    });
    it("rejects settings of the wrong type or below 1024 bits", () => {
        for (const settings of [{ minRsaBits: 1000 }, { minRsaBits: "2048" }, { allowedEcdsaCurves: "P256" }, { allowedEcdsaCurves: [256] }]) {
            assert.throws(() => validatePolicyConfig({ "tls-key-strength": settings }), /tls-key-strength/, JSON.stringify(settings));
        }
        assert.doesNotThrow(() => validatePolicyConfig({ "tls-key-strength": { minRsaBits: 1024, allowedEcdsaCurves: ["P384"] } }));
    });
});
