import * as assert from "assert";
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
    it("flags small RSA, P224 (also the provider default) and unknown algorithms", () => {
        const findings = check(policy, [
            key("rsa", { algorithm: "RSA", rsaBits: 1024 }),
            key("p224", { algorithm: "ECDSA", ecdsaCurve: "P224" }),
            key("default-curve", { algorithm: "ECDSA" }),
            key("dsa", { algorithm: "DSA" }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["rsa", "p224", "default-curve", "dsa"],
        );
        assert.match(findings[0].message, /1024 bits.*`rsaBits`/);
        assert.match(findings[2].message, /tls provider default/);
    });
    it("uses the configured minimum RSA size", () => {
        assert.strictEqual(check(policy, [key("a", { algorithm: "RSA" })], { "tls-key-strength": { minRsaBits: 3072 } }).length, 1);
    });
});
