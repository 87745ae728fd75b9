// Every policy of the pack is declared once, through definePolicy: its name, what it is about
// (category) and how bad a finding is (severity), its settings with their defaults, and its
// check. The settings' JSON schema (with the shared `waivers` list) is what the engine and
// `pulumi policy` see; their TypeScript type is inferred from the same declaration, so no
// policy restates its config as an interface. Severity also decides the prod policy config:
// `prodPolicyConfig` is what policy-pack/config/prod-mandatory.json must say (a test holds
// the file to it; `npm run generate:policy-config` writes it).
import { PolicyConfigSchema, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { policySchema, withDefaults } from "./configSchema";

/** What a policy is about, in the order the pack lists them. */
export const POLICY_CATEGORIES = ["documented-weakness", "design-control", "hardening", "aws-limit"] as const;
export type PolicyCategory = (typeof POLICY_CATEGORIES)[number];

/** Severities whose findings block a prod deployment (mandatory under prod-mandatory.json). */
export const MANDATORY_IN_PROD: readonly Severity[] = ["critical", "high"];

/** One setting: its JSON schema with a description `pulumi policy` shows and, unless the setting is optional, the default the policy runs with. */
export type Setting<T> = PolicyConfigJSONSchema & { default?: T; description: string };

/** The TypeScript type of a JSON schema `type`. */
type JsonValue<T> = T extends "string" ? string : T extends "integer" | "number" ? number : T extends "boolean" ? boolean : T extends "array" ? unknown[] : Record<string, unknown>;

/** The settings' values as the check reads them: a setting's default's type, or its schema type or undefined when it has no default. */
export type SettingValues<S extends Record<string, Setting<unknown>>> = {
    readonly [K in keyof S]: S[K] extends { default: infer D } ? D : JsonValue<S[K]["type"]> | undefined;
};

interface PolicyBasics<S extends Record<string, Setting<unknown>>> {
    name: string;
    description: string;
    category: PolicyCategory;
    severity: Severity;
    /** The policy's settings; `waivers` is added to every policy (lib/waivers.ts). */
    settings?: S;
}

/**
 * The check's third argument: the settings, the config overlaid on their defaults. A function,
 * read only when the check needs it: a resource policy runs for every resource, and most
 * resources are not of its type.
 */
export type ReadSettings<S extends Record<string, Setting<unknown>>> = () => SettingValues<S>;

export interface ResourcePolicyDefinition<S extends Record<string, Setting<unknown>>> extends PolicyBasics<S> {
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation, settings: ReadSettings<S>) => void;
}

export interface StackPolicyDefinition<S extends Record<string, Setting<unknown>>> extends PolicyBasics<S> {
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation, settings: ReadSettings<S>) => void;
}

/** A policy as the pack defines it: the SDK's policy (severity and `tags: [category]` included), plus its category. */
export type DefinedPolicy = (ResourceValidationPolicy | StackValidationPolicy) & { category: PolicyCategory; severity: Severity };

// One overload per kind, so each call infers its settings' type from its `settings` literal.
export function definePolicy<S extends Record<string, Setting<unknown>> = Record<never, Setting<unknown>>>(definition: ResourcePolicyDefinition<S>): ResourceValidationPolicy & DefinedPolicy;
export function definePolicy<S extends Record<string, Setting<unknown>> = Record<never, Setting<unknown>>>(definition: StackPolicyDefinition<S>): StackValidationPolicy & DefinedPolicy;
export function definePolicy<S extends Record<string, Setting<unknown>>>(definition: ResourcePolicyDefinition<S> | StackPolicyDefinition<S>): DefinedPolicy {
    const { name, description, category, severity } = definition;
    if (!POLICY_CATEGORIES.includes(category)) {
        throw new Error(`policy ${name}: category ${JSON.stringify(category)} is not one of ${POLICY_CATEGORIES.join(", ")}`);
    }
    const configSchema: PolicyConfigSchema = policySchema((definition.settings ?? {}) as Record<string, PolicyConfigJSONSchema>);
    const base = { name, description, category, severity, tags: [category], enforcementLevel: "advisory" as const, configSchema };
    // The engine's args (resource or stack) both carry getConfig; the settings are read from it on demand.
    const settingsOf =
        (args: { getConfig<T extends object>(): T }): ReadSettings<S> =>
        () =>
            withDefaults<SettingValues<S>>(configSchema, args.getConfig());
    if ("validateStack" in definition) {
        const check = definition.validateStack;
        return { ...base, validateStack: (args, report) => check(args, report, settingsOf(args)) };
    }
    const check = definition.validateResource;
    return { ...base, validateResource: (args, report) => check(args, report, settingsOf(args)) };
}

/** The policy config prod deploys with: every policy advisory, those of a MANDATORY_IN_PROD severity mandatory, in the pack's order. */
export function prodPolicyConfig(policies: readonly DefinedPolicy[]): Record<string, "advisory" | "mandatory"> {
    const config: Record<string, "advisory" | "mandatory"> = { all: "advisory" };
    for (const policy of policies) {
        if (MANDATORY_IN_PROD.includes(policy.severity)) {
            config[policy.name] = "mandatory";
        }
    }
    return config;
}
