import * as assert from "assert";
import { certificateValidity as policy } from "../../../policy-pack/policies/certificate-validity";
import { check, resource, tlsResources } from "../fixtures";

const leaf = (inputs: Record<string, any>) => resource("tls:index/locallySignedCert:LocallySignedCert", "leaf", { validityPeriodHours: 2160, earlyRenewalHours: 720, ...inputs });
const ca = (inputs: Record<string, any>) => resource("tls:index/selfSignedCert:SelfSignedCert", "ca", { isCaCertificate: true, validityPeriodHours: 87600, earlyRenewalHours: 720, ...inputs });

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
});
