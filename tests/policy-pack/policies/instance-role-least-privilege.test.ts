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
    describe("every launch path that names an instance profile", () => {
        /** The profile, role and inline policy of `name`, without the instance. */
        const roleOf = (name: string, statements: object[]) => server(name, statements).slice(1);
        const wildcard = [...ownOnly, { Sid: "All", Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }];

        it("follows launch configurations and spot requests to their role (the correct twin reads its own parameter only)", () => {
            for (const type of ["aws:ec2/launchConfiguration:LaunchConfiguration", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"]) {
                const launcher = resource(type, "web", { instanceType: "t3.small", iamInstanceProfile: "arn:aws:iam::111122223333:instance-profile/web-profile" });
                const findings = check(policy, [launcher, ...roleOf("web", wildcard)]);
                assert.deepStrictEqual(findings.map((f) => [f.resource, f.message.split(" may ")[0]]), [["web", "web: its instance role web-role"]], type);
                assert.deepStrictEqual(check(policy, [launcher, ...roleOf("web", ownOnly)]), [], type);
            }
        });

        it("follows each spot fleet launch specification's profile (iamInstanceProfileArn before iamInstanceProfile) and names its input", () => {
            const fleet = resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", {
                iamFleetRole: "arn:aws:iam::111122223333:role/fleet", targetCapacity: 2,
                launchSpecifications: [
                    { ami: "ami-1", instanceType: "t3.small", iamInstanceProfile: "good-profile" },
                    { ami: "ami-1", instanceType: "t3.small", iamInstanceProfile: "good-profile", iamInstanceProfileArn: "arn:aws:iam::111122223333:instance-profile/broad-profile" },
                    { ami: "ami-1", instanceType: "t3.small" },
                ],
            });
            const findings = check(policy, [fleet, ...roleOf("good", ownOnly), ...roleOf("broad", wildcard)]);
            assert.strictEqual(findings.length, 1);
            assert.strictEqual(findings[0].resource, "fleet");
            assert.match(findings[0].message, /^fleet \(launchSpecifications\[1\]\.iamInstanceProfileArn\): its instance role broad-role may ssm:GetParameter \(SSM parameters\) on resources that are not its own, through inline:broad-role\/broad-secrets statement #1 \(Sid All\)\. Replace the wildcard Resource/);
            // The correct twin: the same fleet with every specification on the least-privilege profile.
            const twin = resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", {
                ...fleet.inputs,
                launchSpecifications: (fleet.inputs.launchSpecifications as Record<string, unknown>[]).map((spec) => ({ ...spec, iamInstanceProfileArn: undefined, iamInstanceProfile: "good-profile" })),
            });
            assert.deepStrictEqual(check(policy, [twin, ...roleOf("good", ownOnly), ...roleOf("broad", wildcard)]), []);
        });
    });
});
