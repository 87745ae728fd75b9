import { NamedPolicy, PolicyDocument } from "./evaluate";
import { arr, obj } from "../props";
import { ofType } from "../resourceIndex";
import { managedPolicy } from "./managedPolicies";

/** A resource as a stack policy sees it (type token, logical name, resolved inputs). */
export interface IamResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Its URN, when the caller has one: passed on to the InstanceRole of a profile holder. */
    urn?: string;
}

export interface InstanceRole {
    /** The resource that carries the profile: an instance, launch template, launch configuration, spot request or spot fleet. */
    instance: string;
    /** That resource's URN, when it was given one (logical names are unique per type only, so the name alone may be ambiguous). */
    urn?: string;
    /** The input that names the profile, when it is not the resource's own top-level one (a spot fleet's launchSpecifications[i].iamInstanceProfile). */
    at?: string;
    profile: string;
    role: string;
    /** Every policy AWS evaluates for the role: inline, customer managed and AWS managed. */
    policies: NamedPolicy[];
    /** Attached policy ARNs that could not be resolved (unknown customer or managed policies). */
    unresolved: string[];
}

/** A profile reference (name or ARN) and where in the resource's inputs it sits. */
interface ProfileRef {
    ref: unknown;
    at?: string;
}

/**
 * How each launch path names its instance profile. A spot fleet names one per inline launch
 * specification; there the provider sends iamInstanceProfileArn when it is set, else
 * iamInstanceProfile (terraform-provider-aws buildSpotFleetLaunchSpecification). EC2 Fleets and
 * Auto Scaling groups have no profile input: they launch from templates, judged as such.
 */
const PROFILE_REFS: Record<string, (props: Record<string, unknown>) => ProfileRef[]> = {
    "aws:ec2/instance:Instance": (p) => [{ ref: p.iamInstanceProfile }],
    "aws:ec2/launchTemplate:LaunchTemplate": (p) => [{ ref: obj(p.iamInstanceProfile)?.name ?? obj(p.iamInstanceProfile)?.arn }],
    "aws:ec2/launchConfiguration:LaunchConfiguration": (p) => [{ ref: p.iamInstanceProfile }],
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": (p) => [{ ref: p.iamInstanceProfile }],
    "aws:ec2/spotFleetRequest:SpotFleetRequest": (p) =>
        (arr(p.launchSpecifications) ?? [])
            .map(obj)
            .map((spec, i) =>
                typeof spec?.iamInstanceProfileArn === "string" && spec.iamInstanceProfileArn !== ""
                    ? { ref: spec.iamInstanceProfileArn, at: `launchSpecifications[${i}].iamInstanceProfileArn` }
                    : { ref: spec?.iamInstanceProfile, at: `launchSpecifications[${i}].iamInstanceProfile` },
            ),
};

/** The resource types that name an instance profile (what a stack policy must pass to instanceRoles). */
export const PROFILE_HOLDER_TYPES = Object.keys(PROFILE_REFS);

/**
 * Follows each instance's instance profile to its role and collects the policies the role
 * carries, as AWS would evaluate them. Links are made by the names and ARNs the inputs hold
 * (profile name or ARN on the instance, role name on the profile and the policies); a link
 * whose value is unknown (a preview of a not-yet-created role) is not followed.
 */
export function instanceRoles(resources: readonly IamResource[]): InstanceRole[] {
    // Indexed once (lib/resourceIndex): filtering the whole stack per instance made large stacks quadratic.
    const byType = (type: string) => ofType(resources, type);
    const profiles = byType("aws:iam/instanceProfile:InstanceProfile");
    const customerPolicies = byType("aws:iam/policy:Policy");
    const roleBehind = (profileRef: string): Omit<InstanceRole, "instance" | "urn" | "at"> | undefined => {
        const profile = profiles.find((p) => nameOf(p) === lastSegment(profileRef));
        const role = profile ? String(profile.props.role ?? "") : "";
        if (!profile || !role) {
            return undefined;
        }
        const roleName = lastSegment(role);
        const roleResource = resourcesRole(byType("aws:iam/role:Role"), roleName);
        const policies: NamedPolicy[] = [];
        const unresolved: string[] = [];
        for (const inline of byType("aws:iam/rolePolicy:RolePolicy").filter((p) => lastSegment(String(p.props.role)) === roleName)) {
            const document = parseDocument(inline.props.policy);
            if (document) {
                policies.push({ name: `inline:${roleName}/${inline.name}`, document });
            }
        }
        const attached = [
            ...byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => lastSegment(String(a.props.role)) === roleName)
                .map((a) => String(a.props.policyArn)),
            ...byType("aws:iam/policyAttachment:PolicyAttachment")
                .filter((a) => Array.isArray(a.props.roles) && a.props.roles.map((r: unknown) => lastSegment(String(r))).includes(roleName))
                .map((a) => String(a.props.policyArn)),
            ...(Array.isArray(roleResource?.props.managedPolicyArns) ? (roleResource!.props.managedPolicyArns as string[]) : []),
        ];
        for (const arn of attached) {
            const managed = managedPolicy(arn);
            const customer = customerPolicies.find((p) => p.props.arn === arn || `arn:aws:iam::${arn.split(":")[4]}:policy/${nameOf(p)}` === arn);
            const document = managed?.document ?? (customer ? parseDocument(customer.props.policy) : undefined);
            if (managed) {
                policies.push(managed);
            } else if (document) {
                policies.push({ name: arn, document });
            } else {
                unresolved.push(arn);
            }
        }
        for (const inline of (arr(roleResource?.props.inlinePolicies) ?? []).map(obj)) {
            const document = parseDocument(inline?.policy);
            if (document) {
                policies.push({ name: `inline:${roleName}/${inline?.name ?? "inlinePolicies"}`, document });
            }
        }
        return { profile: nameOf(profile), role: roleName, policies, unresolved };
    };
    const result: InstanceRole[] = [];
    for (const resource of resources) {
        for (const { ref, at } of PROFILE_REFS[resource.type]?.(resource.props) ?? []) {
            const found = typeof ref === "string" ? roleBehind(ref) : undefined;
            if (found) {
                result.push({ instance: resource.name, ...(resource.urn !== undefined ? { urn: resource.urn } : {}), ...(at !== undefined ? { at } : {}), ...found });
            }
        }
    }
    return result;
}

function resourcesRole(roles: readonly IamResource[], roleName: string): IamResource | undefined {
    return roles.find((r) => nameOf(r) === roleName);
}

/** A resource's physical name where the inputs give one, else its logical name (what the mocks and autonaming start from). */
function nameOf(resource: IamResource): string {
    return typeof resource.props.name === "string" && resource.props.name !== "" ? resource.props.name : resource.name;
}

/** "arn:aws:iam::1:instance-profile/x" or "x" → "x". */
function lastSegment(value: string): string {
    return value.includes("/") ? value.slice(value.lastIndexOf("/") + 1) : value;
}

function parseDocument(value: unknown): PolicyDocument | undefined {
    if (typeof value === "object" && value !== null && "Statement" in value) {
        return value as PolicyDocument;
    }
    if (typeof value !== "string") {
        return undefined;
    }
    try {
        const parsed = JSON.parse(value);
        return parsed && typeof parsed === "object" && "Statement" in parsed ? (parsed as PolicyDocument) : undefined;
    } catch {
        return undefined;
    }
}
