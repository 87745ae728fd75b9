import * as assert from "assert";
import { encryptedVolumes } from "../../../policy-pack/policies/encrypted-volumes";
import { imdsv2Required } from "../../../policy-pack/policies/imdsv2-required";
import { noSecretsInUserData } from "../../../policy-pack/policies/no-secrets-in-user-data";
import { check, resource, userDataFor } from "../fixtures";

// A spot fleet's inline launch specifications: each is an instance with its own volumes and
// user data, and no metadataOptions at all. Fixture pairs: the bad form and its correct twin.
const SPOT_FLEET = "aws:ec2/spotFleetRequest:SpotFleetRequest";
const spec = (overrides: Record<string, unknown> = {}) => ({ ami: "ami-0123", instanceType: "t3.small", rootBlockDevices: [{ encrypted: true, volumeSize: 20 }], ...overrides });
const fleet = (launchSpecifications: Record<string, unknown>[]) => resource(SPOT_FLEET, "fleet", { iamFleetRole: "arn:aws:iam::123456789012:role/fleet", targetCapacity: 2, launchSpecifications });
const fromTemplate = resource(SPOT_FLEET, "fleet", {
    iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
    targetCapacity: 2,
    launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt-0123", version: "1" }, overrides: [{ instanceType: "t3.large" }] }],
});

describe("spot fleet launch specifications are judged like instances", () => {
    it("imdsv2-required: every inline specification defaults to IMDSv1; a fleet launching from a template is judged on the template", () => {
        const findings = check(imdsv2Required, [fleet([spec(), spec()])]);
        assert.deepStrictEqual(
            findings.map((f) => f.message.match(/launchSpecifications\[\d\]/)![0]),
            ["launchSpecifications[0]", "launchSpecifications[1]"],
        );
        assert.match(findings[0].message, /defaults to "optional".*launchTemplateConfigs/);
        assert.deepStrictEqual(check(imdsv2Required, [fromTemplate]), []);
    });
    it("encrypted-volumes: an unencrypted or absent root volume and an unencrypted data volume are named by their path", () => {
        const findings = check(encryptedVolumes, [
            fleet([
                spec({ rootBlockDevices: undefined }),
                spec({ rootBlockDevices: [{ encrypted: false }], ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }, { deviceName: "/dev/sdg" }] }),
            ]),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.message.split(": ")[1].split(" ")[0]),
            ["launchSpecifications[0].rootBlockDevices", "launchSpecifications[1].rootBlockDevices[0].encrypted", "launchSpecifications[1].ebsBlockDevices[1].encrypted"],
        );
        assert.match(findings[2].message, /is not set, so the data volume \/dev\/sdg is not encrypted\. Set `encrypted: true`/);
        assert.deepStrictEqual(check(encryptedVolumes, [fleet([spec({ ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] })])]), []);
    });
    it("no-secrets-in-user-data: a private key in one specification's user data is found there", () => {
        const leaky = `#!/bin/sh\ncat > /etc/key.pem <<'EOF'\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nEOF\n`;
        const findings = check(noSecretsInUserData, [fleet([spec({ userData: userDataFor({ web: true }) }), spec({ userData: leaky })])]);
        assert.equal(findings.length, 1);
        assert.match(findings[0].message, /launchSpecifications\[1\]\.userData contains .*private key/i);
        assert.deepStrictEqual(check(noSecretsInUserData, [fleet([spec({ userData: userDataFor({ web: true }) })])]), []);
    });
});
