import * as assert from "assert";
import { instanceRoleLeastPrivilege as policy } from "../../../policy-pack/policies/instance-role-least-privilege";
import { check, instance, resource } from "../fixtures";

const OWN_PARAMETER = "arn:aws:ssm:eu-west-1:111122223333:parameter/app/web-0/tls-key";

/** An instance with a profile and role, carrying the given inline policy and attachments. */
function server(name: string, statements: object[], attachments: string[] = [], customPolicies: Record<string, object> = {}) {
    const role = `${name}-role`;
    return [
        instance(name, undefined, { iamInstanceProfile: `${name}-profile` }),
        resource("aws:iam/instanceProfile:InstanceProfile", `${name}-profile`, { role }),
        resource("aws:iam/role:Role", role, { assumeRolePolicy: "{}" }),
        resource("aws:iam/rolePolicy:RolePolicy", `${name}-secrets`, { role, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }),
        ...attachments.map((arn, i) => resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${name}-attach-${i}`, { role, policyArn: arn })),
        ...Object.entries(customPolicies).map(([policyName, doc]) => resource("aws:iam/policy:Policy", policyName, { name: policyName, arn: `arn:aws:iam::111122223333:policy/${policyName}`, policy: JSON.stringify(doc) })),
    ];
}

const ownOnly = [{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [OWN_PARAMETER] }];
const sessionManager = { Effect: "Allow", Action: ["ssm:UpdateInstanceInformation", "ssmmessages:OpenDataChannel"], Resource: "*" };

describe("instance-role-least-privilege", () => {
    it("passes a role that reads its own parameters by exact ARN (the correct twin)", () => {
        assert.deepStrictEqual(check(policy, server("web-0", [...ownOnly, sessionManager])), []);
    });

    it("flags AmazonSSMManagedInstanceCore, judged from its published document, naming the statement and the fix", () => {
        const findings = check(policy, server("web-0", ownOnly, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]));
        assert.strictEqual(findings.length, 1);
        assert.match(
            findings[0].message,
            /web-0: its instance role web-0-role may ssm:GetParameter \(SSM parameters\), ssm:GetParameters \(SSM parameters\) on resources that are not its own, through arn:aws:iam::aws:policy\/AmazonSSMManagedInstanceCore v\d+ statement #0\. Detach that AWS managed policy/,
        );
    });

    it("flags wildcard grants in inline and customer policies, each with its statement", () => {
        const inline = check(policy, server("web-0", [...ownOnly, { Sid: "All", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }]));
        assert.match(inline[0].message, /may secretsmanager:GetSecretValue \(Secrets Manager secrets\) .* through inline:web-0-role\/web-0-secrets statement #1 \(Sid All\)\. Replace the wildcard Resource/);
        const customerDoc = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "kms:Decrypt"], Resource: "*" }] };
        const customer = check(policy, server("web-0", ownOnly, ["arn:aws:iam::111122223333:policy/broad"], { broad: customerDoc }));
        assert.match(customer[0].message, /may s3:GetObject \(S3 objects\), kms:Decrypt \(KMS keys\) .* through arn:aws:iam::111122223333:policy\/broad statement #0/);
    });

    it("lets an explicit deny win, as AWS does", () => {
        const denied = server("web-0", [...ownOnly, { Effect: "Deny", Action: "ssm:GetParameter*", Resource: "*" }], ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
        assert.deepStrictEqual(check(policy, denied), []);
    });

    it("is not applicable to a stack without instance roles", () => {
        assert.deepStrictEqual(check(policy, [instance("bare", undefined)]), []);
    });
});
