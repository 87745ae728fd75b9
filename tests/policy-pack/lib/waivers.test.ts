import * as assert from "assert";
import { decideWaiver, nameFromUrn, withWaivers } from "../../../policy-pack/lib/waivers";
import { policies, unwaivedPolicies } from "../../../policy-pack/policies";

const urn = "urn:pulumi:dev::webstack::webstack:lb:LoadBalancer$aws:ec2/instance:Instance::lb";
const reason = "legacy AMI until Q3 migration";

describe("lib/waivers", () => {
    it("matches a waiver by URN or by the URN's name segment", () => {
        assert.strictEqual(nameFromUrn(urn), "lb");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: urn, reason }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: "app-0", reason }], urn, undefined, "2030-01-01").kind, "none");
    });
    it("waives through the expiry day, reports expired waivers after it", () => {
        assert.strictEqual(decideWaiver([{ resource: "lb", reason, expires: "2030-01-01" }], urn, undefined, "2030-01-01").kind, "waived");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason, expires: "2030-01-01" }], urn, undefined, "2030-01-02").kind, "expired");
        assert.strictEqual(decideWaiver([{ resource: "lb", reason: "short" }], urn, undefined, "2030-01-01").kind, "none");
        assert.strictEqual(decideWaiver(undefined, urn, undefined, "2030-01-01").kind, "none");
    });
    it("wraps every policy in the pack and keeps the engine's type marker", () => {
        assert.strictEqual(policies.length, unwaivedPolicies.length);
        const fn = Object.assign(() => undefined, { __pulumiType: "aws:s3/bucket:Bucket" });
        const wrapped = withWaivers({ name: "x", description: "x", validateResource: fn }) as { validateResource: { __pulumiType?: string } };
        assert.strictEqual(wrapped.validateResource.__pulumiType, "aws:s3/bucket:Bucket");
    });
});
