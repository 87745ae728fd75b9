import { CertificateSpec, certificateOrganization, certificateSpecs, KeySpec, keySpec } from "../components/certificates/certificateSpecs";
import { subnetCidrsFromConfig } from "../components/network/subnetPlan";
import { BackendHopMigration } from "../components/servers/serverFiles";
import { certifiedServers, planTopology, Topology } from "../components/servers/topology";
import { WebstackConfig } from "../config/schema";
import { validateConfig } from "../config/validateConfig";
import { RecordedResource, runProgram, unwrapSecrets } from "../plan/runProgram";
import { loadStackConfig } from "../plan/stackConfig";
import { NamedPolicy } from "../policy-pack/lib/iam/evaluate";
import { instanceRoles } from "../policy-pack/lib/iam/instanceRoles";

export type BackendHopOverride = "tls" | "plaintext";
export type PlacementOverride = "colocated" | "dedicated";

export interface RehearsalOptions {
    stack: string;
    backendHop?: BackendHopOverride;
    placement?: PlacementOverride;
    /** The day-2 drill's scale-out: the stack's count plus one. */
    appServerCount?: number;
    /** The day-2 drill's hop switch: each stage of the migration in turn (null: none, the last stage). */
    backendHopMigration?: BackendHopMigration | null;
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

/** Everything the rehearsal boots, derived from the program's own pure functions and its resources. */
export interface RehearsalPlan {
    stack: string;
    options: RehearsalOptions;
    /** Human-readable list of what differs from the stack file (printed in the report). */
    overrides: string[];
    config: WebstackConfig;
    region: string;
    organization: string;
    topology: Topology;
    certificates: CertificateSpec[];
    key: KeySpec;
    instances: Instance[];
    groupRules: GroupRule[];
    /** The account in the ARNs the program's resources carry (the mocks'). */
    accountId: string;
}

/**
 * Loads the stack's config, applies the rehearsal's overrides to it, runs the real Pulumi
 * program under mocks once (for the security groups and instances it registers) and plans
 * the topology and certificates with the same pure functions the program uses.
 */
export async function planRehearsal(options: RehearsalOptions): Promise<RehearsalPlan> {
    const raw = loadStackConfig(options.stack);
    const overrides: string[] = [];
    const database = JSON.parse(raw.config["webstack:database"] ?? "{}") as Record<string, unknown>;
    if (options.backendHop) {
        raw.config["webstack:backendHop"] = options.backendHop;
        overrides.push(`backendHop = ${options.backendHop} (--backend-hop)`);
    }
    if (options.placement) {
        database.placement = options.placement;
        overrides.push(`database.placement = ${options.placement} (--placement)`);
    }
    raw.config["webstack:database"] = JSON.stringify(database);
    if (options.backendHopMigration !== undefined) {
        if (options.backendHopMigration === null) delete raw.config["webstack:backendHopMigration"];
        else raw.config["webstack:backendHopMigration"] = options.backendHopMigration;
        overrides.push(`backendHopMigration = ${options.backendHopMigration ?? "(none)"} (hop switch drill)`);
    }
    if (options.appServerCount !== undefined) {
        raw.config["webstack:appServerCount"] = String(options.appServerCount);
        overrides.push(`appServerCount = ${options.appServerCount} (scale-out drill)`);
    }

    const program = await runProgram(options.stack, raw.config, raw.secretKeys);
    const { config } = validateConfig(raw.config);
    if (options.backendHop && config.backendHop !== options.backendHop) {
        throw new Error(`override backendHop=${options.backendHop} did not reach the validated config`);
    }
    if (options.placement && config.database.placement !== options.placement) {
        throw new Error(`override placement=${options.placement} did not reach the validated config`);
    }
    if (options.backendHopMigration !== undefined && (config.backendHopMigration ?? null) !== options.backendHopMigration) {
        throw new Error(`override backendHopMigration=${options.backendHopMigration} did not reach the validated config`);
    }
    if (options.appServerCount !== undefined && config.appServerCount !== options.appServerCount) {
        throw new Error(`override appServerCount=${options.appServerCount} did not reach the validated config`);
    }
    const region = raw.config["aws:region"] ?? "us-east-1";
    const topology = planTopology(config, subnetCidrsFromConfig(config.network));
    const organization = certificateOrganization(options.stack);
    const nonLb = certifiedServers(topology).map((s) => ({ key: s.key, fqdn: s.fqdn, privateIp: s.privateIp }));
    return {
        stack: options.stack,
        options,
        overrides,
        config,
        region,
        organization,
        topology,
        certificates: certificateSpecs(config.certificate, config.domain, nonLb, organization),
        key: keySpec(config.certificate),
        instances: instancesOf(program.resources, topology),
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
