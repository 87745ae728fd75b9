import * as assert from "assert";
import { imdsv2Required as policy } from "../../../policy-pack/policies/imdsv2-required";
import { check, flagged, instance, resource, templateLaunchers } from "../fixtures";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const LC = "aws:ec2/launchConfiguration:LaunchConfiguration";

describe("imdsv2-required", () => {
    it("passes httpTokens required or a disabled endpoint", () => {
        assert.deepStrictEqual(
            check(policy, [
                instance("a", undefined),
                instance("b", undefined, { metadataOptions: { httpEndpoint: "disabled" } }),
                resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { metadataOptions: { httpTokens: "required" } }),
            ]),
            [],
        );
    });
    it("flags optional or absent httpTokens on instances and launch templates", () => {
        const findings = check(policy, [
            instance("a", undefined, { metadataOptions: { httpTokens: "optional" } }),
            instance("b", undefined, { metadataOptions: undefined }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", {}),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["a", "b", "lt"],
        );
        assert.match(findings[0].message, /httpTokens: "required"/);
    });
    it("ignores other resource types", () => {
        assert.deepStrictEqual(check(policy, [resource("aws:s3/bucket:Bucket", "b", {})]), []);
    });
    it("judges EC2 Fleets, Auto Scaling groups and spot fleets' launchTemplateConfigs through the templates and configurations they launch from", () => {
        // Their overrides have no metadata form: the finding is on the template or configuration, none on the fleet or group.
        const bad = check(policy, [
            resource(LT, "lt", { metadataOptions: { httpTokens: "optional" } }),
            resource(LT, "lt-arm", {}),
            resource(LC, "lc", { imageId: "ami-1", instanceType: "t3.small" }),
            ...templateLaunchers("lt", "lc", "lt-arm"),
        ]);
        assert.deepStrictEqual(flagged(bad), ["lt", "lt-arm", "lc"]);
        assert.match(bad[1].message, /^lt-arm: instance metadata accepts IMDSv1 \(metadataOptions\.httpTokens is not set, defaulting to "optional"\)/);
        const required = { metadataOptions: { httpTokens: "required" } };
        assert.deepStrictEqual(
            check(policy, [
                resource(LT, "lt", required),
                resource(LT, "lt-arm", required),
                resource(LC, "lc", { imageId: "ami-1", instanceType: "t3.small", ...required }),
                ...templateLaunchers("lt", "lc", "lt-arm"),
            ]),
            [],
        );
    });
});
