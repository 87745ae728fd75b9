import { planWebStack, Topology, WebStackPlan } from "../model";
import { applyOverrides, ConfigOverride, describeOverride, OverrideError } from "../config/overrides";
import { databaseSchema, WebstackConfig } from "../config/schema";
import { parseConfigValue, validateConfig } from "../config/validateConfig";
import { RecordedResource, regionOf, runProgram, unwrapSecrets } from "../plan/runProgram";
import { loadStackConfig, RawStackConfig } from "../plan/stackConfig";
import { NamedPolicy } from "../policy-pack/lib/iam/evaluate";
import { instanceRoles } from "../policy-pack/lib/iam/instanceRoles";

export interface RehearsalOptions {
    stack: string;
    /** --set overrides of the stack file's config (config/overrides.ts), the offline plan's vocabulary. */
    overrides: ConfigOverride[];
}

/** A security-group rule as the program registers it (aws:vpc/securityGroup{In,E}gressRule inputs). */
export interface GroupRule {
    direction: "ingress" | "egress";
    groupId: string;
    /** "tcp" or "-1" (all). */
    protocol: string;
    fromPort: number;
    toPort: number;
    cidr?: string;
    referencedGroupId?: string;
    description: string;
}

/** An EC2 instance of the program: its private address, security groups and instance role. */
export interface Instance {
    key: string;
    /** The instance's user data exactly as the program renders it (the boot script). */
    userData: string;
    privateIp: string;
    groupIds: string[];
    /** The instance role's name and every policy AWS evaluates for it (the program's IAM resources + AWS managed policies). */
    role: { name: string; policies: NamedPolicy[]; unresolved: string[] };
}

/** Everything the rehearsal boots: the program's own plan of the stack (planWebStack) and its resources. */
export interface RehearsalPlan extends WebStackPlan {
    /** What it was planned from: the day-2 drill plans a change as more overrides on top of these. */
    options: RehearsalOptions;
    /** Human-readable list of what differs from the stack file (printed in the report). */
    overrides: string[];
    config: WebstackConfig;
    region: string;
    instances: Instance[];
    groupRules: GroupRule[];
    /** The account in the ARNs the program's resources carry (the mocks'). */
    accountId: string;
}

/**
 * The stack file's config with the overrides applied, validated as the program validates it.
 * Throws ConfigError for a bad value and OverrideError for an override the rehearsal refuses;
 * the CLI calls it before anything boots, so both are bad usage there (exit 2).
 */
export function rehearsalConfig(options: RehearsalOptions): { raw: RawStackConfig; validated: WebstackConfig } {
    const stackFile = loadStackConfig(options.stack);
    const raw = { ...stackFile, config: applyOverrides(stackFile.config, options.overrides) };
    // The rehearsal boots no Amazon RDS: a stack file that says rds (prod) is rehearsed against
    // stand-in endpoints with the database checks N/A. An override is an experiment on what does
    // boot, so switching a stack to rds from the command line is refused, as --placement was.
    // Checked before validation, which would first ask for what rds needs (the Datadog AWS integration).
    if (placementIn(raw.config) === "rds" && placementIn(stackFile.config) !== "rds") {
        const culprits = options.overrides.filter((o) => o.key === "webstack:database").map((o) => `--set ${o.name}=${o.value}`);
        throw new OverrideError(`${culprits.join(", ")}: the rehearsal cannot boot database placement rds (Amazon RDS is not booted here); from the command line it takes colocated or dedicated`);
    }
    const { config: validated } = validateConfig(raw.config, options.stack);
    return { raw, validated };
}

/** database.placement as the schema reads the raw config (defaults applied); undefined when database is invalid. */
function placementIn(config: Record<string, string>): string | undefined {
    return databaseSchema.safeParse(parseConfigValue(config["webstack:database"] ?? "{}")).data?.placement;
}

/**
 * Loads the stack's config, applies the rehearsal's overrides to it, runs the real Pulumi
 * program under mocks once (for the security groups and instances it registers) and plans
 * the stack with the program's own planWebStack.
 */
export async function planRehearsal(options: RehearsalOptions): Promise<RehearsalPlan> {
    const { raw, validated: config } = rehearsalConfig(options);
    const program = await runProgram(options.stack, raw.config, raw.secretKeys);
    const plan = planWebStack(config, options.stack);
    return {
        ...plan,
        options,
        overrides: options.overrides.map((o) => `${describeOverride(o)} (--set)`),
        config,
        region: regionOf(raw.config),
        instances: instancesOf(program.resources, plan.topology),
        accountId: accountIdOf(program.resources),
        groupRules: groupRulesOf(program.resources),
    };
}

function inputsOf(resource: RecordedResource): Record<string, unknown> {
    return unwrapSecrets(resource.inputs) as Record<string, unknown>;
}

function instancesOf(resources: RecordedResource[], topology: Topology): Instance[] {
    const instances = resources.filter((r) => r.type === "aws:ec2/instance:Instance").map((r) => ({ name: r.name, inputs: inputsOf(r) }));
    const roles = instanceRoles(resources.map((r) => ({ type: r.type, name: r.name, props: inputsOf(r) })));
    return topology.servers.map((server) => {
        const instance = instances.find((i) => i.inputs.privateIp === server.privateIp);
        if (!instance) {
            throw new Error(`the program registers no instance with private IP ${server.privateIp} (server ${server.key})`);
        }
        const role = roles.find((r) => r.instance === instance.name);
        if (typeof instance.inputs.userData !== "string") {
            throw new Error(`the program's instance ${instance.name} has no user data text`);
        }
        return {
            key: server.key,
            userData: instance.inputs.userData,
            privateIp: server.privateIp,
            groupIds: (instance.inputs.vpcSecurityGroupIds as string[] | undefined) ?? [],
            // No instance profile: the instance has no credentials, every AWS call is denied.
            role: role ? { name: role.role, policies: role.policies, unresolved: role.unresolved } : { name: "", policies: [], unresolved: [] },
        };
    });
}

function accountIdOf(resources: RecordedResource[]): string {
    const arn = JSON.stringify(resources.map((r) => r.inputs)).match(/arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/);
    return arn?.[1] ?? "123456789012";
}

function groupRulesOf(resources: RecordedResource[]): GroupRule[] {
    const types: Record<string, GroupRule["direction"]> = {
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress",
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress",
    };
    return resources
        .filter((r) => types[r.type] !== undefined)
        .map((r) => {
            const i = inputsOf(r);
            return {
                direction: types[r.type],
                groupId: String(i.securityGroupId),
                protocol: String(i.ipProtocol ?? "tcp"),
                fromPort: Number(i.fromPort ?? 0),
                toPort: Number(i.toPort ?? 65535),
                cidr: i.cidrIpv4 as string | undefined,
                referencedGroupId: i.referencedSecurityGroupId as string | undefined,
                description: String(i.description ?? r.name),
            };
        });
}
