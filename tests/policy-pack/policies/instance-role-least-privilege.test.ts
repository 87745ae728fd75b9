import * as assert from "assert";
import { instanceRoleLeastPrivilege as policy } from "../../../policy-pack/policies/instance-role-least-privilege";
import { StackValidationArgs } from "@pulumi/policy";
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
        ...Object.entries(customPolicies).map(([policyName, doc]) =>
            resource("aws:iam/policy:Policy", policyName, { name: policyName, arn: `arn:aws:iam::111122223333:policy/${policyName}`, policy: JSON.stringify(doc) }),
        ),
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
        assert.match(
            inline[0].message,
            /may secretsmanager:GetSecretValue \(Secrets Manager secrets\) .* through inline:web-0-role\/web-0-secrets statement #1 \(Sid All\)\. Replace the wildcard Resource/,
        );
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
    it("flags a wildcard over each store's ARNs, probed in the account and region the role's policies use", () => {
        const storeWildcards = [
            ...ownOnly,
            { Effect: "Allow", Action: ["ssm:GetParameter*"], Resource: "arn:aws:ssm:eu-west-1:111122223333:parameter/*" },
            { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:*" },
            { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" },
            { Effect: "Allow", Action: "kms:Decrypt", Resource: "arn:aws:kms:eu-west-1:111122223333:key/*" },
        ];
        // The root volume's key is shared from another account: the probes still use the role's.
        const [web, ...role] = server("web-0", storeWildcards);
        const sharedKey = { ...web, inputs: { ...web.inputs, rootBlockDevice: { encrypted: true, kmsKeyId: "arn:aws:kms:eu-west-1:999999999999:key/shared" } } };
        const findings = check(policy, [sharedKey, ...role]);
        assert.deepStrictEqual(
            findings.map((f) => [f.policy, f.resource, f.type, f.message.split(" on resources")[0].split(" may ")[1], f.message.split(" through ")[1].split(".")[0]]),
            [
                [
                    "instance-role-least-privilege",
                    "web-0",
                    "aws:ec2/instance:Instance",
                    "ssm:GetParameter (SSM parameters), ssm:GetParameters (SSM parameters), ssm:GetParametersByPath (SSM parameters)",
                    "inline:web-0-role/web-0-secrets statement #1",
                ],
                ["instance-role-least-privilege", "web-0", "aws:ec2/instance:Instance", "secretsmanager:GetSecretValue (Secrets Manager secrets)", "inline:web-0-role/web-0-secrets statement #2"],
                ["instance-role-least-privilege", "web-0", "aws:ec2/instance:Instance", "s3:GetObject (S3 objects)", "inline:web-0-role/web-0-secrets statement #3"],
                ["instance-role-least-privilege", "web-0", "aws:ec2/instance:Instance", "kms:Decrypt (KMS keys)", "inline:web-0-role/web-0-secrets statement #4"],
            ],
        );
        // The same wildcards over another account's stores grant nothing of this one's.
        const elsewhere = storeWildcards.map((st) =>
            typeof st.Resource === "string" ? { ...st, Resource: st.Resource.replace("111122223333", "444455556666").replace(":::*/*", ":::other-bucket/*") } : st,
        );
        assert.deepStrictEqual(check(policy, server("web-0", elsewhere)), []);
    });

    it("treats a customer policy whose path spells a managed policy's ARN as the customer policy it is", () => {
        const arn = "arn:aws:iam::111122223333:policy/x/arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
        const broad = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }] };
        const [web, profile, role, inline, attachment] = server("web-0", ownOnly, [arn]);
        const customer = resource("aws:iam/policy:Policy", "crafted", { name: "AmazonSSMManagedInstanceCore", path: "/x/arn:aws:iam::aws:policy/", arn, policy: JSON.stringify(broad) });
        const findings = check(policy, [web, profile, role, inline, attachment, customer]);
        assert.deepStrictEqual(
            findings.map((f) => f.message.split(" through ")[1]),
            [`${arn} statement #0. Replace the wildcard Resource with the exact ARNs the server reads at boot; the webstack program grants each server its own parameters only.`],
        );
    });

    it("reports a parameter listing by path on its own", () => {
        const findings = check(policy, server("web-0", [...ownOnly, { Effect: "Allow", Action: "ssm:GetParametersByPath", Resource: "arn:aws:ssm:*:*:parameter/*" }]));
        assert.deepStrictEqual(
            findings.map((f) => f.message.split(" on resources")[0]),
            ["web-0: its instance role web-0-role may ssm:GetParametersByPath (SSM parameters)"],
        );
    });

    it("probes in us-east-1 when no ARN of the stack names an account and region", () => {
        const regional = [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:us-east-1:*:parameter/*" }];
        assert.strictEqual(check(policy, server("web-0", regional)).length, 1);
        assert.deepStrictEqual(check(policy, server("web-0", [{ ...regional[0], Resource: "arn:aws:ssm:eu-west-1:*:parameter/*" }])), []);
    });

    it("judges roles in the China and GovCloud partitions in their own partition", () => {
        for (const [partition, region] of [
            ["aws-cn", "cn-north-1"],
            ["aws-us-gov", "us-gov-west-1"],
        ]) {
            const own = [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:${partition}:ssm:${region}:111122223333:parameter/app/web-0/tls-key` }];
            const wildcard = { Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:${partition}:ssm:${region}:111122223333:parameter/*` };
            const findings = check(policy, server("web-0", [...own, wildcard]));
            assert.deepStrictEqual(
                findings.map((f) => f.message.split(" on resources")[0]),
                ["web-0: its instance role web-0-role may ssm:GetParameter (SSM parameters)"],
                partition,
            );
            assert.deepStrictEqual(check(policy, server("web-0", own)), [], partition);
            const managed = check(policy, server("web-0", own, [`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`]));
            assert.match(managed[0].message, new RegExp(`through arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore v\\d+ statement #0\\. Detach that AWS managed policy`), partition);
        }
    });

    it("reports on the instance even when a resource of another type has the same logical name and comes first", () => {
        // `new aws.iam.InstanceProfile("web", …)` then `new aws.ec2.Instance("web", { iamInstanceProfile: profile.name })`:
        // the profile is registered first, and logical names are unique per type only.
        const role = server("web", [...ownOnly, { Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }]).slice(2);
        const sameName = [
            resource("aws:iam/instanceProfile:InstanceProfile", "web", { role: "web-role" }),
            ...role,
            resource("aws:ec2/launchTemplate:LaunchTemplate", "web", { iamInstanceProfile: { name: "web" } }),
            instance("web", undefined, { iamInstanceProfile: "web" }),
        ];
        const findings = check(policy, sameName);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.type]),
            [
                ["web", "aws:ec2/launchTemplate:LaunchTemplate"],
                ["web", "aws:ec2/instance:Instance"],
            ],
        );
    });

    it("tells the engine it does not apply when no launch path carries a profile with a known role, and only then", () => {
        const reasons: string[] = [];
        const args = (resources: ReturnType<typeof resource>[]): StackValidationArgs =>
            ({
                stackTags: new Map(),
                resources: resources.map((r) => ({
                    type: r.type,
                    name: r.name,
                    urn: r.urn,
                    props: r.inputs,
                    opts: {},
                    dependencies: [],
                    propertyDependencies: {},
                    isType: () => false,
                    asType: () => undefined,
                })) as never,
                getConfig: () => ({}) as never,
                notApplicable: (reason?: string) => {
                    reasons.push(reason ?? "");
                    throw new Error("not applicable");
                },
            }) as unknown as StackValidationArgs;
        assert.throws(() => policy.validateStack(args([instance("bare", undefined)]), () => undefined), /not applicable/);
        assert.deepStrictEqual(reasons, ["no instance, launch template, launch configuration, spot request or spot fleet carries an instance profile with a known role"]);
        const reported: string[] = [];
        void policy.validateStack(args(server("web-0", ownOnly)), (message) => reported.push(String(message)));
        assert.deepStrictEqual([reasons.length, reported], [1, []]);
    });

    describe("every launch path that names an instance profile", () => {
        /** The profile, role and inline policy of `name`, without the instance. */
        const roleOf = (name: string, statements: object[]) => server(name, statements).slice(1);
        const wildcard = [...ownOnly, { Sid: "All", Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }];

        it("follows launch configurations and spot requests to their role (the correct twin reads its own parameter only)", () => {
            for (const type of ["aws:ec2/launchConfiguration:LaunchConfiguration", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"]) {
                const launcher = resource(type, "web", { instanceType: "t3.small", iamInstanceProfile: "arn:aws:iam::111122223333:instance-profile/web-profile" });
                const findings = check(policy, [launcher, ...roleOf("web", wildcard)]);
                assert.deepStrictEqual(
                    findings.map((f) => [f.resource, f.message.split(" may ")[0]]),
                    [["web", "web: its instance role web-role"]],
                    type,
                );
                assert.deepStrictEqual(check(policy, [launcher, ...roleOf("web", ownOnly)]), [], type);
            }
        });

        it("follows each spot fleet launch specification's profile (iamInstanceProfileArn before iamInstanceProfile) and names its input", () => {
            const fleet = resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", {
                iamFleetRole: "arn:aws:iam::111122223333:role/fleet",
                targetCapacity: 2,
                launchSpecifications: [
                    { ami: "ami-1", instanceType: "t3.small", iamInstanceProfile: "good-profile" },
                    { ami: "ami-1", instanceType: "t3.small", iamInstanceProfile: "good-profile", iamInstanceProfileArn: "arn:aws:iam::111122223333:instance-profile/broad-profile" },
                    { ami: "ami-1", instanceType: "t3.small" },
                ],
            });
            const findings = check(policy, [fleet, ...roleOf("good", ownOnly), ...roleOf("broad", wildcard)]);
            assert.strictEqual(findings.length, 1);
            assert.strictEqual(findings[0].resource, "fleet");
            assert.match(
                findings[0].message,
                /^fleet \(launchSpecifications\[1\]\.iamInstanceProfileArn\): its instance role broad-role may ssm:GetParameter \(SSM parameters\) on resources that are not its own, through inline:broad-role\/broad-secrets statement #1 \(Sid All\)\. Replace the wildcard Resource/,
            );
            // The correct twin: the same fleet with every specification on the least-privilege profile.
            const twin = resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", {
                ...fleet.inputs,
                launchSpecifications: (fleet.inputs.launchSpecifications as Record<string, unknown>[]).map((spec) => ({
                    ...spec,
                    iamInstanceProfileArn: undefined,
                    iamInstanceProfile: "good-profile",
                })),
            });
            assert.deepStrictEqual(check(policy, [twin, ...roleOf("good", ownOnly), ...roleOf("broad", wildcard)]), []);
        });
    });
});
