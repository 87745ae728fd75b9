// Effective permissions: what each server's instance role may read, judged as AWS evaluates
// it — inline policies, customer policies and AWS managed policies (their published
// documents, lib/iam/aws-managed-policies.json) together, explicit deny first. A role that may
// read parameters, secrets, objects or keys that are not its own exposes them to anyone who
// gets code running on that server (and, without IMDSv2, to any SSRF in its apps).
import { definePolicy } from "../lib/definePolicy";
import { describeStatement, evaluateRequest } from "../lib/iam/evaluate";
import { instanceRoles, PROFILE_HOLDER_TYPES } from "../lib/iam/instanceRoles";

/**
 * "Its own" is whatever the role's policies name by exact ARN. The policy asks, for each
 * secret store, whether the role may read a resource that no statement of the stack names —
 * a probe ARN in the stack's own account and region. Only a wildcard grant (`*`, `parameter/*`,
 * a bucket's `/*`...) can allow that, and that grant is reported with its statement.
 */
const READS: { action: string; probe: (account: string, region: string, partition: string) => string; store: string }[] = [
    { action: "ssm:GetParameter", store: "SSM parameters", probe: (a, r, p) => `arn:${p}:ssm:${r}:${a}:parameter/policy-probe/not-this-servers` },
    { action: "ssm:GetParameters", store: "SSM parameters", probe: (a, r, p) => `arn:${p}:ssm:${r}:${a}:parameter/policy-probe/not-this-servers` },
    { action: "ssm:GetParametersByPath", store: "SSM parameters", probe: (a, r, p) => `arn:${p}:ssm:${r}:${a}:parameter/policy-probe` },
    { action: "secretsmanager:GetSecretValue", store: "Secrets Manager secrets", probe: (a, r, p) => `arn:${p}:secretsmanager:${r}:${a}:secret:policy-probe-AbCdEf` },
    { action: "s3:GetObject", store: "S3 objects", probe: (_a, _r, p) => `arn:${p}:s3:::policy-probe-bucket/not-this-servers` },
    { action: "kms:Decrypt", store: "KMS keys", probe: (a, r, p) => `arn:${p}:kms:${r}:${a}:key/00000000-0000-0000-0000-000000000000` },
];

/**
 * The partition, account and region the stack's own ARNs use (the first found), for realistic
 * probes: a role in aws-cn or aws-us-gov grants its wildcards in that partition.
 */
function accountAndRegion(texts: string[]): { partition: string; account: string; region: string } {
    for (const text of texts) {
        const m = /arn:(aws[a-z-]*):(?:ssm|secretsmanager|kms|ec2|rds):([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):/.exec(text);
        if (m) {
            return { partition: m[1], region: m[2], account: m[3] };
        }
    }
    return { partition: "aws", region: "us-east-1", account: "123456789012" };
}

export const instanceRoleLeastPrivilege = definePolicy({
    name: "instance-role-least-privilege",
    category: "hardening",
    severity: "medium",
    description:
        "No instance role (through the instance profile of an instance, launch template, launch configuration, spot request or spot fleet launch specification; EC2 Fleets and Auto Scaling groups launch from templates or configurations, judged as such) may read SSM parameters, Secrets Manager secrets, S3 objects or KMS keys beyond the ones its policies name, judged as AWS evaluates inline, customer and AWS managed policies together.",
    validateStack: (args, reportViolation) => {
        // Only the resources an instance role is made of: reading every resource's props copies the whole stack.
        const resources = args.resources
            .filter((r) => r.type.startsWith("aws:iam/") || PROFILE_HOLDER_TYPES.includes(r.type))
            .map((r) => ({ type: r.type, name: r.name, props: r.props as Record<string, unknown>, urn: r.urn }));
        const roles = instanceRoles(resources);
        if (roles.length === 0) {
            args.notApplicable("no instance, launch template, launch configuration, spot request or spot fleet carries an instance profile with a known role");
        }
        const { partition, account, region } = accountAndRegion(resources.filter((r) => r.type.startsWith("aws:iam/")).map((r) => JSON.stringify(r.props)));
        for (const role of roles) {
            const granted = new Map<string, string[]>();
            for (const read of READS) {
                const result = evaluateRequest(role.policies, read.action, read.probe(account, region, partition));
                if (result.decision === "allow" && result.statement) {
                    const key = describeStatement(result.statement);
                    granted.set(key, [...(granted.get(key) ?? []), `${read.action} (${read.store})`]);
                }
            }
            // The holder's own URN: a profile or role may have the same logical name as the instance.
            const urn = role.urn;
            for (const [statement, actions] of granted) {
                const managed = /^arn:aws[a-z-]*:iam::aws:policy\//.test(statement);
                reportViolation(
                    `${role.instance}${role.at ? ` (${role.at})` : ""}: its instance role ${role.role} may ${actions.join(", ")} on resources that are not its own, through ${statement}. ` +
                        (managed
                            ? "Detach that AWS managed policy and grant the few actions the server needs in an inline policy (for Session Manager: ssm:UpdateInstanceInformation and the four ssmmessages channel actions); the webstack program does this."
                            : "Replace the wildcard Resource with the exact ARNs the server reads at boot; the webstack program grants each server its own parameters only."),
                    urn,
                );
            }
        }
    },
});
