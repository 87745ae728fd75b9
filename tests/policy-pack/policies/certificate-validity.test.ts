import * as assert from "assert";
import { certificateValidity as policy } from "../../../policy-pack/policies/certificate-validity";
import { validatePolicyConfig } from "../../../plan/evaluatePolicies";
import { check, resource, tlsResources } from "../fixtures";

const leaf = (inputs: Record<string, unknown>) => resource("tls:index/locallySignedCert:LocallySignedCert", "leaf", { validityPeriodHours: 2160, earlyRenewalHours: 720, ...inputs });
const ca = (inputs: Record<string, unknown>) => resource("tls:index/selfSignedCert:SelfSignedCert", "ca", { isCaCertificate: true, validityPeriodHours: 87600, earlyRenewalHours: 720, ...inputs });

describe("certificate-validity", () => {
    it("passes the fixture CA (10 years) and leaf (90 days) with early renewal", () => {
        assert.deepStrictEqual(check(policy, tlsResources()), []);
    });
    it("flags a leaf valid longer than 398 days and a CA longer than 3650 days", () => {
        assert.match(check(policy, [leaf({ validityPeriodHours: 399 * 24 })])[0].message, /leaf certificate .* above the maximum 398 days/);
        assert.match(check(policy, [ca({ validityPeriodHours: 3651 * 24 })])[0].message, /CA certificate/);
        assert.strictEqual(check(policy, [resource("tls:index/selfSignedCert:SelfSignedCert", "ss", { validityPeriodHours: 87600, earlyRenewalHours: 1 })]).length, 1);
    });
    it("flags missing or zero earlyRenewalHours unless disabled by config", () => {
        assert.strictEqual(check(policy, [leaf({ earlyRenewalHours: undefined }), ca({ earlyRenewalHours: 0 })]).length, 2);
        assert.deepStrictEqual(check(policy, [leaf({ earlyRenewalHours: undefined })], { "certificate-validity": { requireEarlyRenewal: false } }), []);
    });
    it("honours configured maxima", () => {
        assert.deepStrictEqual(check(policy, [leaf({ validityPeriodHours: 800 * 24 })], { "certificate-validity": { maxLeafValidityDays: 825 } }), []);
    });
    it("says how long, the maximum and the value to set; exactly the maximum passes", () => {
        const [finding] = check(policy, [leaf({ validityPeriodHours: 9600 })]);
        assert.strictEqual(finding.message, "leaf: leaf certificate is valid for 9600 hours (400 days), above the maximum 398 days. Set `validityPeriodHours` to at most 9552.");
        assert.deepStrictEqual(check(policy, [leaf({ validityPeriodHours: 9552 }), ca({ validityPeriodHours: 87600 })]), []);
        assert.match(
            check(policy, [ca({ validityPeriodHours: 87624 })])[0].message,
            /^ca: CA certificate is valid for 87624 hours \(3651 days\), above the maximum 3650 days\. Set `validityPeriodHours` to at most 87600\.$/,
        );
    });
    it("says whether earlyRenewalHours is unset or zero; an unknown value is not guessed at", () => {
        const [unset] = check(policy, [leaf({ earlyRenewalHours: undefined })]);
        assert.strictEqual(unset.message, "leaf: earlyRenewalHours is not set (0), so the certificate is only renewed after it expires. Set `earlyRenewalHours` (e.g. 720 for 30 days).");
        assert.match(check(policy, [leaf({ earlyRenewalHours: 0 })])[0].message, /^leaf: earlyRenewalHours is 0, so/);
        assert.deepStrictEqual(check(policy, [leaf({ earlyRenewalHours: { unknown: true } }), leaf({ validityPeriodHours: "unknown" })]), []);
    });
    it("rejects settings of the wrong type or below 1", () => {
        for (const settings of [{ maxLeafValidityDays: 1.5 }, { maxLeafValidityDays: 0 }, { maxCaValidityDays: "3650" }, { maxCaValidityDays: 0 }, { requireEarlyRenewal: "yes" }]) {
            assert.throws(() => validatePolicyConfig({ "certificate-validity": settings }), /certificate-validity/, JSON.stringify(settings));
        }
        assert.doesNotThrow(() => validatePolicyConfig({ "certificate-validity": { maxLeafValidityDays: 1, maxCaValidityDays: 1, requireEarlyRenewal: false } }));
    });
});
