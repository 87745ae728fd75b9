import * as assert from "assert";
import { encryptedVolumes as policy } from "../../../policy-pack/policies/encrypted-volumes";
import { check, flagged, instance, resource, templateLaunchers } from "../fixtures";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const LC = "aws:ec2/launchConfiguration:LaunchConfiguration";
const SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest";
const spotFleet = (launchSpecifications: Record<string, unknown>[]) => resource(SPOT_FLEET, "fleet", { iamFleetRole: "arn:aws:iam::123456789012:role/fleet", targetCapacity: 2, launchSpecifications });

describe("encrypted-volumes", () => {
    it("passes encrypted root, data, launch template and standalone volumes", () => {
        assert.deepStrictEqual(
            check(policy, [
                instance("a", undefined, { ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] }),
                resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }),
                resource("aws:ebs/volume:Volume", "v", { availabilityZone: "eu-west-1a", size: 10, encrypted: true }),
            ]),
            [],
        );
    });
    it("flags unencrypted or unset root, data, launch template and standalone volumes", () => {
        const findings = check(policy, [
            instance("root-off", undefined, { rootBlockDevice: { encrypted: false } }),
            instance("root-absent", undefined, { rootBlockDevice: undefined }),
            instance("data", undefined, { ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { encrypted: "false" } }] }),
            resource("aws:ebs/volume:Volume", "v", { size: 10 }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["root-off", "root-absent", "data", "lt", "v"],
        );
        assert.match(findings[0].message, /rootBlockDevice: \{ encrypted: true \}/);
        assert.match(findings[2].message, /ebsBlockDevices\[0\] \(\/dev\/sdf\)/);
    });
    it("flags a launch template without blockDeviceMappings (the AMI's unencrypted root), like an instance without rootBlockDevice", () => {
        const findings = check(policy, [resource(LT, "bare", {}), resource(LT, "empty", { blockDeviceMappings: [] })]);
        assert.deepStrictEqual(flagged(findings), ["bare", "empty"]);
        assert.match(
            findings[0].message,
            /^bare: blockDeviceMappings is not set, so every instance launched from this template gets the AMI's root volume, not encrypted\. Add a mapping .*ebs: \{ encrypted: "true" \}/,
        );
        assert.deepStrictEqual(check(policy, [resource(LT, "mapped", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] })]), []);
    });
    it("names each spot fleet launch specification's unencrypted volume by its input path; absent or empty rootBlockDevices is the AMI's root", () => {
        const findings = check(policy, [
            spotFleet([
                { ami: "ami-1", instanceType: "t3.small", rootBlockDevices: [{ encrypted: true }] },
                { ami: "ami-1", instanceType: "t3.small", rootBlockDevices: [] },
                {
                    ami: "ami-1",
                    instanceType: "t3.small",
                    rootBlockDevices: [{ volumeSize: 20 }],
                    ebsBlockDevices: [
                        { deviceName: "/dev/sdf", encrypted: true },
                        { deviceName: "/dev/sdg", encrypted: false },
                    ],
                },
            ]),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.message.replace(/,? so .*/, "")),
            [
                "fleet: launchSpecifications[1].rootBlockDevices is not set",
                "fleet: launchSpecifications[2].rootBlockDevices[0].encrypted is not set",
                "fleet: launchSpecifications[2].ebsBlockDevices[1].encrypted is false",
            ],
        );
        assert.match(findings[0].message, /Set `rootBlockDevices: \[\{ encrypted: true \}\]` on launchSpecifications\[1\]\./);
        assert.match(findings[2].message, /the data volume \/dev\/sdg is not encrypted\. Set `encrypted: true` on it\./);
        // The correct twin: every root and data volume encrypted.
        assert.deepStrictEqual(
            check(policy, [
                spotFleet([
                    { ami: "ami-1", instanceType: "t3.small", rootBlockDevices: [{ encrypted: true }] },
                    { ami: "ami-1", instanceType: "t3.small", rootBlockDevices: [{ encrypted: true }], ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] },
                ]),
            ]),
            [],
        );
    });
    it("judges EC2 Fleets, Auto Scaling groups and spot fleets' launchTemplateConfigs through the templates and configurations they launch from", () => {
        // Their overrides have no block device form: the finding is on the template or configuration, none on the fleet or group.
        const bad = check(policy, [
            resource(LT, "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }),
            resource(LT, "lt-arm", {}),
            resource(LC, "lc", { imageId: "ami-1", instanceType: "t3.small", rootBlockDevice: { volumeSize: 20 } }),
            ...templateLaunchers("lt", "lc", "lt-arm"),
        ]);
        assert.deepStrictEqual(flagged(bad), ["lt", "lt-arm", "lc"]);
        const good = check(policy, [
            resource(LT, "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }),
            resource(LT, "lt-arm", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }),
            resource(LC, "lc", { imageId: "ami-1", instanceType: "t3.small", rootBlockDevice: { encrypted: true } }),
            ...templateLaunchers("lt", "lc", "lt-arm"),
        ]);
        assert.deepStrictEqual(good, []);
    });
});
