import * as assert from "assert";
import { encryptedVolumes as policy } from "../../../policy-pack/policies/encrypted-volumes";
import { check, instance, resource } from "../fixtures";

describe("encrypted-volumes", () => {
    it("passes encrypted root, data, launch template and standalone volumes", () => {
        assert.deepStrictEqual(check(policy, [
            instance("a", undefined, { ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] }),
            resource("aws:ebs/volume:Volume", "v", { availabilityZone: "eu-west-1a", size: 10, encrypted: true }),
        ]), []);
    });
    it("flags unencrypted or unset root, data, launch template and standalone volumes", () => {
        const findings = check(policy, [
            instance("root-off", undefined, { rootBlockDevice: { encrypted: false } }),
            instance("root-absent", undefined, { rootBlockDevice: undefined }),
            instance("data", undefined, { ebsBlockDevices: [{ deviceName: "/dev/sdf" }] }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { encrypted: "false" } }] }),
            resource("aws:ebs/volume:Volume", "v", { size: 10 }),
        ]);
        assert.deepStrictEqual(findings.map(f => f.resource), ["root-off", "root-absent", "data", "lt", "v"]);
        assert.match(findings[0].message, /rootBlockDevice: \{ encrypted: true \}/);
        assert.match(findings[2].message, /ebsBlockDevices\[0\] \(\/dev\/sdf\)/);
    });
});
