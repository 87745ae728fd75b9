import * as assert from "assert";
import { imdsv2Required as policy } from "../../../policy-pack/policies/imdsv2-required";
import { check, instance, resource } from "../fixtures";

describe("imdsv2-required", () => {
    it("passes httpTokens required or a disabled endpoint", () => {
        assert.deepStrictEqual(check(policy, [instance("a", undefined), instance("b", undefined, { metadataOptions: { httpEndpoint: "disabled" } }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { metadataOptions: { httpTokens: "required" } })]), []);
    });
    it("flags optional or absent httpTokens on instances and launch templates", () => {
        const findings = check(policy, [instance("a", undefined, { metadataOptions: { httpTokens: "optional" } }), instance("b", undefined, { metadataOptions: undefined }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", {})]);
        assert.deepStrictEqual(findings.map(f => f.resource), ["a", "b", "lt"]);
        assert.match(findings[0].message, /httpTokens: "required"/);
    });
    it("ignores other resource types", () => {
        assert.deepStrictEqual(check(policy, [resource("aws:s3/bucket:Bucket", "b", {})]), []);
    });
});
