import * as assert from "assert";
import * as fc from "fast-check";
import { loadPolicyConfig } from "../../plan/evaluatePolicies";
import { policies } from "../../policy-pack/policies";
import { check, devStack, prodStack } from "./fixtures";

describe("policies", () => {
    it("every policy is advisory by default with a configSchema including waivers", () => {
        for (const p of policies) {
            assert.strictEqual(p.enforcementLevel, "advisory", p.name);
            assert.ok(p.configSchema?.properties.waivers, `${p.name} has no waivers knob`);
        }
        assert.strictEqual(new Set(policies.map((p) => p.name)).size, policies.length);
    });

    it("every policy and every setting has a description (the engine sends the policy's with each violation, `pulumi policy` shows the settings')", () => {
        for (const p of policies) {
            assert.ok(typeof p.description === "string" && p.description.trim().length > 0, `${p.name} has no description`);
            for (const [knob, schema] of Object.entries(p.configSchema?.properties ?? {})) {
                const description = (schema as { description?: unknown }).description;
                assert.ok(typeof description === "string" && description.trim().length > 0, `${p.name}.${knob} has no description`);
            }
        }
    });

    it("the dev stack (reference design) reports exactly the three documented weaknesses", () => {
        const findings = check(policies, devStack());
        assert.deepStrictEqual(
            findings.map((f) => `${f.policy}:${f.resource}`),
            ["no-plaintext-backend-traffic:lb", "no-single-database-writer:app-0", "no-identical-server-roles:app-0", "no-identical-server-roles:app-1"],
        );
        assert.ok(findings.every((f) => f.enforcementLevel === "advisory"));
    });

    it("the dev stack's findings are mandatory under prod-mandatory.json", () => {
        const cfg = loadPolicyConfig(`${__dirname}/../../policy-pack/config/prod-mandatory.json`);
        assert.ok(check(policies, devStack(), cfg).every((f) => f.enforcementLevel === "mandatory"));
    });

    it("the prod stack (weaknesses resolved by config) reports nothing", () => {
        assert.deepStrictEqual(check(policies, prodStack()), []);
    });

    it("never crashes or reports on resources whose inputs are all unknown", () => {
        const unknown = devStack().map((r) => ({ ...r, inputs: {} }));
        const findings = check(policies, unknown).filter((f) => /failed/.test(f.message));
        assert.deepStrictEqual(findings, []);
    });
});

describe("policies under arbitrary (unknown or malformed) inputs", () => {
    // Property test: whatever shape a preview hands us, no policy throws.
    const types = [
        "aws:ec2/instance:Instance",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:lb/listener:Listener",
        "aws:lb/targetGroup:TargetGroup",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        "aws:ebs/volume:Volume",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:rds/clusterInstance:ClusterInstance",
        "tls:index/privateKey:PrivateKey",
        "tls:index/selfSignedCert:SelfSignedCert",
        "datadog:index/monitor:Monitor",
    ];
    it("never fails a policy", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...types),
                fc.dictionary(
                    fc.constantFrom(
                        "userData",
                        "protocol",
                        "ingress",
                        "defaultActions",
                        "metadataOptions",
                        "rootBlockDevice",
                        "ebsBlockDevices",
                        "query",
                        "multiAz",
                        "algorithm",
                        "rsaBits",
                        "vpcSecurityGroupIds",
                        "clusterIdentifier",
                        "arn",
                    ),
                    fc.anything(),
                ),
                (type, inputs) => {
                    const r = { type, name: "r", urn: `urn:pulumi:dev::webstack::${type}::r`, parent: null, custom: true, inputs };
                    const failures = check(policies, [r]).filter((f) => / failed/.test(f.message));
                    assert.deepStrictEqual(failures, []);
                },
            ),
            { numRuns: 300 },
        );
    });
});
