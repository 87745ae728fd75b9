// In-process CrossGuard evaluator for the offline plan runner. It runs the policy pack over a
// planned resource list exactly as the Pulumi policy engine does (@pulumi/policy server.js):
// resource policies once per custom resource with its inputs, stack policies once with every
// resource (inputs merged with outputs), the same enforcement-level precedence, the same
// notApplicable() semantics and the same type fast-path — so `plan` and `pulumi preview
// --policy-pack` agree on findings.
import * as fs from "fs";
import {
    EnforcementLevel,
    Policies,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { policies as packPolicies } from "../policy-pack/policies";
import { validateJsonSchema, withDefaults } from "../policy-pack/lib/configSchema";
import { clearTextCaches } from "../policy-pack/lib/textCache";

export interface PlannedResource {
    type: string;
    name: string;
    urn: string;
    /** Parent resource URN or name; null for the stack's direct children. */
    parent: string | null;
    custom: boolean;
    inputs: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    /** Provider reference (`<provider urn>::<id>`) or provider URN. */
    provider?: string;
}

export interface Finding {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    /** Resource name, or null for a stack-wide finding. */
    resource: string | null;
    type: string | null;
    message: string;
}

export interface PolicyConfigFile {
    [policyOrAll: string]: string | { enforcementLevel?: string; [k: string]: unknown };
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
const PACK_DEFAULT_LEVEL: EnforcementLevel = "advisory";

/** Mirrors the engine's NotApplicableError: a policy saying "this resource is not mine". */
class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

function isResourcePolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is ResourceValidationPolicy {
    const v = (p as ResourceValidationPolicy).validateResource;
    return typeof v === "function" || (Array.isArray(v) && v.every((f) => typeof f === "function"));
}

function isStackPolicy(p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

function pulumiTypeOf(obj: unknown): string | undefined {
    const t = (obj as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
}

/** Same as the engine: the class's static __pulumiType, else its isInstance. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = pulumiTypeOf(resourceClass);
    if (pulumiType) {
        return type === pulumiType;
    }
    const isInstance = (resourceClass as { isInstance?: unknown } | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function configEntry(config: PolicyConfigFile, key: string): { level?: string; knobs: Record<string, unknown> } {
    const v = config[key];
    if (v === undefined) {
        return { knobs: {} };
    }
    if (typeof v === "string") {
        return { level: v, knobs: {} };
    }
    const { enforcementLevel, ...knobs } = v;
    return { level: enforcementLevel, knobs };
}

/** Precedence: the policy's own config entry > `all` > the policy's enforcementLevel > pack default. */
export function effectiveLevel(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PolicyConfigFile = {}): EnforcementLevel {
    return (configEntry(config, policy.name).level ?? configEntry(config, "all").level ?? policy.enforcementLevel ?? PACK_DEFAULT_LEVEL) as EnforcementLevel;
}

function defaultOptions(parentUrn: string | undefined): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (parentUrn) {
        opts.parent = parentUrn;
    }
    return opts;
}

/** Validates a policy config object; throws one Error listing every problem with the key named. */
export function validatePolicyConfig(config: unknown, policies: Policies = packPolicies, source = "policy config"): PolicyConfigFile {
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new Error(`${source}: must be a JSON object mapping policy names (or "all") to an enforcement level or settings`);
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    const errors: string[] = [];
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        const policy = byName.get(key);
        if (key !== "all" && !policy) {
            errors.push(`"${key}" is not a policy in this pack (allowed: all, ${[...byName.keys()].join(", ")})`);
            continue;
        }
        let level: unknown;
        let knobs: Record<string, unknown> = {};
        if (typeof value === "string") {
            level = value;
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            ({ enforcementLevel: level, ...knobs } = value as Record<string, unknown>);
        } else {
            errors.push(`"${key}" must be an enforcement level (${LEVELS.join(", ")}) or an object, got ${JSON.stringify(value)}`);
            continue;
        }
        if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
            errors.push(`"${key}".enforcementLevel must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}`);
        }
        if (key === "all") {
            for (const k of Object.keys(knobs)) {
                errors.push(`"all".${k} is not allowed: "all" only sets enforcementLevel`);
            }
            continue;
        }
        const schema = policy!.configSchema;
        const properties = schema?.properties ?? {};
        for (const [k, v] of Object.entries(knobs)) {
            if (!(k in properties)) {
                errors.push(
                    `"${key}".${k} is not a setting of this policy (allowed: enforcementLevel${Object.keys(properties)
                        .map((p) => `, ${p}`)
                        .join("")})`,
                );
                continue;
            }
            errors.push(...validateJsonSchema(v, properties[k], `"${key}".${k}`));
        }
        for (const req of schema?.required ?? []) {
            if (knobs[req] === undefined && (properties[req] as { default?: unknown } | undefined)?.default === undefined) {
                errors.push(`"${key}".${req} is required`);
            }
        }
    }
    if (errors.length > 0) {
        throw new Error(`${source} is invalid:\n  - ${errors.join("\n  - ")}`);
    }
    return config as PolicyConfigFile;
}

/** Reads and validates a `--policy-config`-style JSON file. */
export function loadPolicyConfig(path: string, policies: Policies = packPolicies): PolicyConfigFile {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(path, "utf8"));
    } catch (e) {
        throw new Error(`policy config ${path}: cannot read JSON: ${(e as Error).message}`, { cause: e });
    }
    return validatePolicyConfig(parsed, policies, `policy config ${path}`);
}

function resolveParent(r: PlannedResource, byUrn: Map<string, PlannedResource>, byName: Map<string, PlannedResource[]>): PlannedResource | undefined {
    if (!r.parent) {
        return undefined;
    }
    const direct = byUrn.get(r.parent);
    if (direct) {
        return direct;
    }
    const named = byName.get(r.parent) ?? [];
    return named.length === 1 ? named[0] : undefined;
}

/** Provider references are `<urn>::<id>`; accept a bare URN too. */
function resolveProviderResource(ref: string, byUrn: Map<string, PlannedResource>): PlannedResource | undefined {
    // A map lookup, not a scan: a scan per resource per policy made large stacks quadratic.
    return byUrn.get(ref) ?? byUrn.get(ref.slice(0, ref.lastIndexOf("::")));
}

function definedOnly(values: Record<string, unknown> | undefined): Record<string, unknown> {
    return Object.fromEntries(Object.entries(values ?? {}).filter(([, v]) => v !== undefined));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
    return value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";
}

/**
 * Deep copy so one policy cannot change what the next one sees, as the engine deserialises the
 * props afresh for every policy. Plain objects and arrays are copied; strings and other
 * primitives are immutable and shared (structuredClone copied every user data text for every
 * policy, most of the evaluator's cost on large stacks); anything else goes through structuredClone.
 */
function clone<T>(value: T): T {
    if (value === null || typeof value !== "object") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map(clone) as T;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
        return structuredClone(value);
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
        copy[key] = clone((value as Record<string, unknown>)[key]);
    }
    return copy as T;
}

export function evaluatePolicies(policies: Policies, resources: PlannedResource[], policyConfig: PolicyConfigFile = {}): Finding[] {
    try {
        return evaluate(policies, resources, policyConfig);
    } finally {
        // Parsed user data and config texts live for one evaluation (policy-pack/lib/textCache.ts).
        clearTextCaches();
    }
}

function evaluate(policies: Policies, resources: PlannedResource[], policyConfig: PolicyConfigFile): Finding[] {
    const findings: Finding[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const byName = new Map<string, PlannedResource[]>();
    for (const r of resources) {
        const named = byName.get(r.name);
        if (named) {
            named.push(r);
        } else {
            byName.set(r.name, [r]);
        }
    }
    // Parents and providers do not change between policies: resolve them once per evaluation.
    const parentOf = new Map(resources.map((r) => [r, resolveParent(r, byUrn, byName)]));
    const providerRefs = new Map<string, PlannedResource | undefined>();
    const providerResourceOf = (r: PlannedResource): PlannedResource | undefined => {
        if (!r.provider) {
            return undefined;
        }
        if (!providerRefs.has(r.provider)) {
            providerRefs.set(r.provider, resolveProviderResource(r.provider, byUrn));
        }
        return providerRefs.get(r.provider);
    };
    /** Sets `provider` (a fresh copy per call, like every value a policy receives) when the resource has a known provider. */
    const setProvider = (target: { provider?: PolicyProviderResource }, r: PlannedResource): void => {
        const p = providerResourceOf(r);
        if (p) {
            target.provider = { type: p.type, props: { ...clone(p.inputs), ...clone(definedOnly(p.outputs)) }, urn: p.urn, name: p.name };
        }
    };
    const stackStrings = new Map<string, string>();

    for (const policy of policies) {
        const level = effectiveLevel(policy, policyConfig);
        if (level === "disabled") {
            continue;
        }
        // Remediations are not applied offline; a remaining violation counts as mandatory, as in the engine.
        const reportedLevel: Finding["enforcementLevel"] = level === "advisory" ? "advisory" : "mandatory";
        // Worked out once per policy; every call still gets its own copy, as from the engine.
        const policyKnobs = withDefaults<object>(policy.configSchema, configEntry(policyConfig, policy.name).knobs);
        const getConfig = <T extends object>(): T => clone(policyKnobs) as T;

        const record = (target: PlannedResource | undefined, message: string, urn?: string) => {
            const r = urn !== undefined ? (byUrn.get(urn) ?? target) : target;
            const nameFromUrn = urn !== undefined && !r ? (urn.split("::").pop() ?? null) : null;
            const typeFromUrn = urn !== undefined && !r ? (urn.split("::")[2]?.split("$").pop() ?? null) : null;
            findings.push({
                policy: policy.name,
                enforcementLevel: reportedLevel,
                resource: r ? r.name : nameFromUrn,
                type: r ? r.type : typeFromUrn,
                message,
            });
        };
        const failed = (target: PlannedResource | undefined, e: unknown) =>
            record(
                target,
                `policy ${policy.name} failed${target ? ` on ${target.name}` : ""}: ${e instanceof Error ? e.message : String(e)} — fix the policy or report it; the resource was not checked`,
            );
        const run = (target: PlannedResource | undefined, call: () => unknown) => {
            try {
                const result = call();
                if (isThenable(result)) {
                    // The plan is synchronous; async policies would need evaluatePolicies to return a Promise.
                    Promise.resolve(result).catch(() => undefined);
                    failed(target, new Error("returned a Promise; the offline evaluator only runs synchronous policies"));
                }
            } catch (e) {
                if (!(e instanceof NotApplicableError)) {
                    failed(target, e);
                }
            }
        };

        if (isResourcePolicy(policy) && policy.validateResource) {
            const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            // The engine's fast path: a single typed validation skips other types entirely.
            const onlyType = validations.length === 1 ? pulumiTypeOf(validations[0]) : undefined;
            for (const r of resources.filter((x) => x.custom && (!onlyType || x.type === onlyType))) {
                for (const validation of validations) {
                    const parent = parentOf.get(r);
                    // Each call gets its own deep copy (see clone). Copying on first read through
                    // accessors was measured slower: accessor objects cost more than the copies.
                    const props = clone(r.inputs ?? {});
                    const args = {
                        type: r.type,
                        props,
                        urn: r.urn,
                        name: r.name,
                        opts: defaultOptions(parent?.urn),
                        stackTags: stackStrings,
                        isType: (cls: unknown) => isTypeOf(r.type, cls),
                        asType: (cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined),
                        getConfig,
                        notApplicable: throwNotApplicable,
                    } as ResourceValidationArgs;
                    setProvider(args, r);
                    run(r, () => validation(args, (message, urn) => record(r, message, urn)));
                }
            }
        }

        if (isStackPolicy(policy)) {
            const onlyType = pulumiTypeOf(policy.validateStack);
            if (onlyType && !resources.some((r) => r.type === onlyType)) {
                continue;
            }
            const policyResources = new Map<string, PolicyResource>();
            for (const r of resources) {
                const props = { ...clone(r.inputs ?? {}), ...clone(definedOnly(r.outputs)) };
                const pr = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: r.name,
                    opts: defaultOptions(parentOf.get(r)?.urn),
                    dependencies: [],
                    propertyDependencies: {},
                    isType: (cls: unknown) => isTypeOf(r.type, cls),
                    asType: (cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined),
                } as PolicyResource;
                setProvider(pr, r);
                policyResources.set(r.urn, pr);
            }
            for (const r of resources) {
                const parent = parentOf.get(r);
                if (parent) {
                    policyResources.get(r.urn)!.parent = policyResources.get(parent.urn);
                }
            }
            const args: StackValidationArgs = {
                resources: [...policyResources.values()],
                stackTags: stackStrings,
                getConfig,
                notApplicable: throwNotApplicable,
            };
            run(undefined, () => policy.validateStack(args, (message, urn) => record(undefined, message, urn)));
        }
    }
    return findings;
}
