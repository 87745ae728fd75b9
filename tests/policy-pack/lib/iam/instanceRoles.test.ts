import { strict as assert } from "assert";
import { IamResource, instanceRoles } from "../../../../policy-pack/lib/iam/instanceRoles";

const ACCOUNT = "111122223333";
const CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const r = (type: string, name: string, props: Record<string, unknown>): IamResource => ({ type, name, props });
const doc = (sid: string) => ({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: "ssm:GetParameter", Resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/${sid}` }] });
const json = (sid: string) => JSON.stringify(doc(sid));
const instance = (name: string, profile: unknown) => r("aws:ec2/instance:Instance", name, { instanceType: "t3.small", iamInstanceProfile: profile });
const profile = (name: string, role: unknown, props: Record<string, unknown> = {}) => r("aws:iam/instanceProfile:InstanceProfile", name, { role, ...props });
const role = (name: string, props: Record<string, unknown> = {}) => r("aws:iam/role:Role", name, { assumeRolePolicy: "{}", ...props });
/** The names of the policies found for each holder: what AWS would evaluate for its role. */
const summary = (resources: IamResource[]) => instanceRoles(resources).map((found) => ({ ...found, policies: found.policies.map((p) => p.name) }));

describe("policy-pack/lib/iam/instanceRoles", () => {
    it("collects every policy of the role behind an instance profile: inline, attached (managed and customer), and the role's own", () => {
        const resources = [
            instance("web", "web-profile"),
            profile("web-profile", `arn:aws:iam::${ACCOUNT}:role/web-role`),
            role("web-role", {
                managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/by-name`],
                inlinePolicies: [{ name: "own", policy: json("own") }, { policy: json("unnamed") }, null],
            }),
            role("other-role", { managedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/by-arn`] }),
            r("aws:iam/rolePolicy:RolePolicy", "web-secrets", { role: "web-role", policy: json("secrets") }),
            r("aws:iam/rolePolicy:RolePolicy", "other-secrets", { role: "other-role", policy: json("other") }),
            r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "web-core", { role: "web-role", policyArn: CORE }),
            r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "web-by-arn", { role: `arn:aws:iam::${ACCOUNT}:role/web-role`, policyArn: `arn:aws:iam::${ACCOUNT}:policy/team/by-arn` }),
            r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "other-core", { role: "other-role", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }),
            r("aws:iam/policyAttachment:PolicyAttachment", "shared", { policyArn: `arn:aws:iam::${ACCOUNT}:policy/shared`, roles: ["other-role", `arn:aws:iam::${ACCOUNT}:role/web-role`] }),
            r("aws:iam/policyAttachment:PolicyAttachment", "not-web", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", roles: ["other-role"] }),
            r("aws:iam/policyAttachment:PolicyAttachment", "users-only", { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess", users: ["web-role"] }),
            // Customer policies: one known by its ARN (it has a path), one by name only (its ARN is unknown in a preview).
            r("aws:iam/policy:Policy", "by-arn", { name: "by-arn", arn: `arn:aws:iam::${ACCOUNT}:policy/team/by-arn`, policy: json("by-arn") }),
            r("aws:iam/policy:Policy", "by-name-logical", { name: "by-name", policy: doc("by-name") }),
            r("aws:iam/policy:Policy", "shared", { policy: json("shared") }),
        ];
        const [found, ...rest] = instanceRoles(resources);
        assert.deepEqual(rest, []);
        assert.deepEqual(
            { ...found, policies: found.policies.map((p) => p.name) },
            {
                instance: "web",
                profile: "web-profile",
                role: "web-role",
                policies: [
                    "inline:web-role/web-secrets",
                    CORE,
                    `arn:aws:iam::${ACCOUNT}:policy/team/by-arn`,
                    `arn:aws:iam::${ACCOUNT}:policy/shared`,
                    `arn:aws:iam::${ACCOUNT}:policy/by-name`,
                    "inline:web-role/own",
                    "inline:web-role/inlinePolicies",
                ],
                unresolved: [],
            },
        );
        // The documents are the ones each name stands for (the managed one as AWS publishes it).
        const sids = found.policies.map((p) => (Array.isArray(p.document.Statement) ? p.document.Statement[0].Sid : p.document.Statement.Sid));
        assert.deepEqual(
            sids.filter((_, i) => i !== 1),
            ["secrets", "by-arn", "shared", "by-name", "own", "unnamed"],
        );
        assert.match(found.policies[1].versionId ?? "", /^v\d+$/);
    });

    it("lists the attached policies it cannot resolve instead of guessing what they allow", () => {
        const resources = [
            instance("web", "web-profile"),
            profile("web-profile", "web-role"),
            role("web-role", { managedPolicyArns: ["arn:aws:iam::aws:policy/NoSuchManagedPolicy"] }),
            r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "elsewhere", { role: "web-role", policyArn: `arn:aws:iam::${ACCOUNT}:policy/not-in-this-stack` }),
            r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "pending", { role: "web-role", policyArn: `arn:aws:iam::${ACCOUNT}:policy/pending` }),
            r("aws:iam/policy:Policy", "pending", { name: "pending" }), // document unknown in a preview
        ];
        assert.deepEqual(summary(resources), [
            {
                instance: "web",
                profile: "web-profile",
                role: "web-role",
                policies: [],
                unresolved: [`arn:aws:iam::${ACCOUNT}:policy/not-in-this-stack`, `arn:aws:iam::${ACCOUNT}:policy/pending`, "arn:aws:iam::aws:policy/NoSuchManagedPolicy"],
            },
        ]);
    });

    it("reads a policy document given as an object or as JSON text, and skips one that is unknown, malformed or has no Statement", () => {
        const resources = [
            instance("web", "web-profile"),
            profile("web-profile", "web-role"),
            r("aws:iam/rolePolicy:RolePolicy", "as-object", { role: "web-role", policy: doc("object") }),
            r("aws:iam/rolePolicy:RolePolicy", "as-text", { role: "web-role", policy: json("text") }),
            r("aws:iam/rolePolicy:RolePolicy", "unknown", { role: "web-role" }),
            r("aws:iam/rolePolicy:RolePolicy", "null", { role: "web-role", policy: null }),
            r("aws:iam/rolePolicy:RolePolicy", "number", { role: "web-role", policy: 42 }),
            r("aws:iam/rolePolicy:RolePolicy", "malformed", { role: "web-role", policy: "{not json" }),
            r("aws:iam/rolePolicy:RolePolicy", "json-null", { role: "web-role", policy: "null" }),
            r("aws:iam/rolePolicy:RolePolicy", "json-string", { role: "web-role", policy: '"Statement"' }),
            r("aws:iam/rolePolicy:RolePolicy", "no-statement", { role: "web-role", policy: { Version: "2012-10-17" } }),
            r("aws:iam/rolePolicy:RolePolicy", "no-statement-text", { role: "web-role", policy: '{"Version":"2012-10-17"}' }),
        ];
        assert.deepEqual(summary(resources)[0].policies, ["inline:web-role/as-object", "inline:web-role/as-text"]);
    });

    it("does not follow a link whose value is unknown or names nothing in the stack", () => {
        const resources = [
            instance("no-profile", undefined),
            instance("not-a-name", { name: "web-profile" }),
            instance("missing-profile", "not-in-this-stack"),
            instance("pending-role", "pending-profile"),
            instance("empty-role", "empty-profile"),
            profile("pending-profile", undefined),
            profile("empty-profile", ""),
            profile("web-profile", "web-role"),
            r("aws:iam/rolePolicy:RolePolicy", "web-secrets", { role: "web-role", policy: json("secrets") }),
        ];
        assert.deepEqual(instanceRoles(resources), []);
        assert.deepEqual(instanceRoles([]), []);
    });

    it("follows a role that is not in the stack (named by the profile only) to the policies attached to it here", () => {
        const resources = [
            instance("web", "web-profile"),
            profile("web-profile", "arn:aws:iam::111122223333:role/path/existing"),
            r("aws:iam/rolePolicy:RolePolicy", "p", { role: "existing", policy: json("p") }),
        ];
        assert.deepEqual(summary(resources), [{ instance: "web", profile: "web-profile", role: "existing", policies: ["inline:existing/p"], unresolved: [] }]);
    });

    it("links by physical names where the inputs give them, by logical names otherwise, and keeps several servers apart", () => {
        const resources = [
            instance("a", "arn:aws:iam::111122223333:instance-profile/a-physical"),
            instance("b", "b-profile"),
            profile("a-profile", "a-role-physical", { name: "a-physical" }),
            profile("b-profile", "b-role", { name: "" }),
            role("a-role", { name: "a-role-physical", managedPolicyArns: [CORE] }),
            role("b-role", { name: "", managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }),
        ];
        assert.deepEqual(summary(resources), [
            { instance: "a", profile: "a-physical", role: "a-role-physical", policies: [CORE], unresolved: [] },
            { instance: "b", profile: "b-profile", role: "b-role", policies: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], unresolved: [] },
        ]);
    });

    it("follows launch templates (profile by name or by ARN), launch configurations and spot requests", () => {
        const resources = [
            r("aws:ec2/launchTemplate:LaunchTemplate", "by-name", { iamInstanceProfile: { name: "web-profile" } }),
            r("aws:ec2/launchTemplate:LaunchTemplate", "by-arn", { iamInstanceProfile: { arn: "arn:aws:iam::111122223333:instance-profile/web-profile" } }),
            r("aws:ec2/launchTemplate:LaunchTemplate", "none", { instanceType: "t3.small" }),
            r("aws:ec2/launchConfiguration:LaunchConfiguration", "config", { iamInstanceProfile: "web-profile" }),
            r("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "spot", { iamInstanceProfile: "web-profile" }),
            r("aws:autoscaling/group:Group", "asg", { iamInstanceProfile: "web-profile" }), // not an input of a group: ignored
            profile("web-profile", "web-role"),
        ];
        assert.deepEqual(
            summary(resources).map((f) => [f.instance, f.role, "at" in f]),
            [
                ["by-name", "web-role", false],
                ["by-arn", "web-role", false],
                ["config", "web-role", false],
                ["spot", "web-role", false],
            ],
        );
    });

    it("follows each spot fleet launch specification, preferring a non-empty iamInstanceProfileArn, and names the input it read", () => {
        const fleet = r("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", {
            launchSpecifications: [
                { iamInstanceProfile: "a-profile" },
                { iamInstanceProfile: "a-profile", iamInstanceProfileArn: "arn:aws:iam::111122223333:instance-profile/b-profile" },
                { iamInstanceProfile: "b-profile", iamInstanceProfileArn: "" },
                null,
                { iamInstanceProfileArn: 7, iamInstanceProfile: "a-profile" },
            ],
        });
        const resources = [fleet, r("aws:ec2/spotFleetRequest:SpotFleetRequest", "from-templates", { launchTemplateConfigs: [] }), profile("a-profile", "a-role"), profile("b-profile", "b-role")];
        assert.deepEqual(
            summary(resources).map((f) => [f.instance, f.at, f.role]),
            [
                ["fleet", "launchSpecifications[0].iamInstanceProfile", "a-role"],
                ["fleet", "launchSpecifications[1].iamInstanceProfileArn", "b-role"],
                ["fleet", "launchSpecifications[2].iamInstanceProfile", "b-role"],
                ["fleet", "launchSpecifications[4].iamInstanceProfile", "a-role"],
            ],
        );
    });
});
