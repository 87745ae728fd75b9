import * as assert from "assert";
import { unwaivedPolicies } from "../../../policy-pack/policies";
import { assumedDefaults, DefaultName, POLICY_DEFAULTS, PROVIDER_DEFAULTS } from "../../../policy-pack/lib/providerDefaults";
import { encryptedVolumes } from "../../../policy-pack/policies/encrypted-volumes";
import { httpsOnlyFrontend } from "../../../policy-pack/policies/https-only-frontend";
import { imdsv2Required } from "../../../policy-pack/policies/imdsv2-required";
import { check, resource } from "../fixtures";

describe("policy-pack/lib/providerDefaults", () => {
    it("gives every default a source, and every policy that assumes one names it in its description", () => {
        for (const [name, entry] of Object.entries(PROVIDER_DEFAULTS)) {
            assert.ok(entry.source.length > 20, `${name} cites where the default comes from`);
        }
        const byName = new Map(unwaivedPolicies.map((p) => [p.name, p]));
        for (const [policy, defaults] of Object.entries(POLICY_DEFAULTS)) {
            assert.ok(byName.has(policy), `${policy} is a policy of the pack`);
            for (const d of defaults) {
                assert.ok(byName.get(policy)!.description.includes(PROVIDER_DEFAULTS[d].input), `${policy}'s description states the ${d} default`);
            }
        }
    });
});

describe("policy-pack/lib/providerDefaults: what each description tells the reader", () => {
    it("each policy states the defaults it assumes, with AWS's value", () => {
        const expected: [string, DefaultName, unknown][] = [
            ["imdsv2-required", "imdsHttpTokens", "optional"],
            ["encrypted-volumes", "ebsEncrypted", false],
            ["encrypted-volumes", "instanceRootBlockDevice", "the AMI's root device mapping (Debian and most public AMIs: unencrypted)"],
            ["https-only-frontend", "albListenerProtocol", "HTTP"],
            ["https-only-frontend", "nlbListenerProtocol", "TCP"],
            ["rds-encryption-and-backups", "rdsStorageEncrypted", false],
            ["rds-encryption-and-backups", "rdsBackupRetentionPeriod", 1],
            ["no-public-database", "rdsPubliclyAccessible", false],
        ];
        const byName = new Map(unwaivedPolicies.map((p) => [p.name, p]));
        for (const [policy, name, value] of expected) {
            assert.ok(byName.get(policy)!.description.includes(`${PROVIDER_DEFAULTS[name].input} = ${JSON.stringify(value)}`), `${policy} says ${name} defaults to ${JSON.stringify(value)}`);
        }
        assert.match(assumedDefaults("no-public-database"), /^ Absent inputs are read as the provider's defaults: publiclyAccessible on aws\.rds\.Instance = false\.$/);
        assert.strictEqual(assumedDefaults("tls-key-strength"), "");
    });
});

describe("absent inputs are read as the provider's defaults, on every launch path", () => {
    const launchConfiguration = (inputs: Record<string, unknown>) => resource("aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { imageId: "ami-1", instanceType: "t3.small", ...inputs });
    const spotRequest = (inputs: Record<string, unknown>) => resource("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "spot", { ami: "ami-1", instanceType: "t3.small", ...inputs });

    it("a launch configuration or spot request without metadataOptions accepts IMDSv1; with httpTokens required it passes", () => {
        for (const make of [launchConfiguration, spotRequest]) {
            const findings = check(imdsv2Required, [make({})]);
            assert.strictEqual(findings.length, 1);
            assert.match(findings[0].message, /httpTokens is not set, defaulting to "optional"/);
            assert.deepStrictEqual(check(imdsv2Required, [make({ metadataOptions: { httpTokens: "required" } })]), []);
        }
    });

    it("their volumes without encrypted are clear text; with encrypted: true they pass", () => {
        for (const make of [launchConfiguration, spotRequest]) {
            assert.strictEqual(check(encryptedVolumes, [make({ rootBlockDevice: { volumeSize: 20 }, ebsBlockDevices: [{ deviceName: "/dev/sdf" }] })]).length, 2);
            assert.deepStrictEqual(check(encryptedVolumes, [make({ rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }] })]), []);
        }
    });

    it("a listener without protocol is HTTP (the ALB default): flagged unless it redirects to HTTPS", () => {
        const listener = (inputs: Record<string, unknown>) => resource("aws:lb/listener:Listener", "web", { loadBalancerArn: "arn:lb", port: 80, ...inputs });
        const forward = [{ type: "forward", targetGroupArn: "arn:tg" }];
        const findings = check(httpsOnlyFrontend, [listener({ defaultActions: forward })]);
        assert.strictEqual(findings.length, 1);
        assert.match(findings[0].message, /serves plain HTTP \(protocol not set: the provider's default for an ALB is HTTP\) without redirecting to HTTPS/);
        assert.strictEqual(check(httpsOnlyFrontend, [listener({ protocol: "HTTP", defaultActions: forward })]).length, 1);
        const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];
        assert.deepStrictEqual(check(httpsOnlyFrontend, [listener({ defaultActions: redirect })]), []);
        assert.deepStrictEqual(check(httpsOnlyFrontend, [listener({ protocol: "HTTPS", port: 443, defaultActions: forward })]), []);
    });
});
