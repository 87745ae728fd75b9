// Policy config helpers: the shared `waivers` knob, defaults from a configSchema, and a small
// JSON-schema validator (the subset our schemas use) so a bad policy config file fails with
// a message naming the key instead of silently disabling a control.
import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";

/** The waiver list every policy accepts (see lib/waivers.ts). */
export const waiversSchema: PolicyConfigJSONSchema = {
    type: "array",
    description: "Resources exempted from this policy, each with a reason and optional expiry date (YYYY-MM-DD).",
    items: {
        type: "object",
        properties: {
            resource: { type: "string", minLength: 1, description: "The resource name or URN." },
            reason: { type: "string", minLength: 10, description: "Why the finding is accepted." },
            expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "Last day (UTC) the waiver applies." },
        },
        required: ["resource", "reason"],
        additionalProperties: false,
    },
    default: [],
};

/** Builds a configSchema from a policy's knobs, always adding `waivers`. */
export function policySchema(knobs: Record<string, PolicyConfigJSONSchema>): PolicyConfigSchema {
    return { properties: { ...knobs, waivers: waiversSchema } };
}

/** The schema's defaults overlaid with the supplied config (enforcementLevel dropped). */
export function withDefaults<T extends object>(schema: PolicyConfigSchema | undefined, config: object | undefined): T {
    const result: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
        if (typeof prop === "object" && prop.default !== undefined) {
            result[key] = JSON.parse(JSON.stringify(prop.default));
        }
    }
    for (const [key, value] of Object.entries(config ?? {})) {
        if (key !== "enforcementLevel" && value !== undefined) {
            result[key] = value;
        }
    }
    return result as T;
}

function typeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
    if (type === "integer") {
        return typeof value === "number" && Number.isInteger(value);
    }
    return typeOf(value) === type;
}

/** Validates `value` against a JSON schema; returns human-readable errors prefixed with `path`. */
export function validateJsonSchema(value: unknown, schema: PolicyConfigJSONSchemaDefinition, path: string): string[] {
    if (schema === true) {
        return [];
    }
    if (schema === false) {
        return [`${path} is not allowed`];
    }
    const errors: string[] = [];
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        if (!types.some((t) => matchesType(value, t))) {
            return [`${path} must be of type ${types.join(" or ")}, got ${JSON.stringify(value)}`];
        }
    }
    if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${path} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`);
    }
    if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
        errors.push(`${path} must be ${JSON.stringify(schema.const)}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) {
            errors.push(`${path} must be >= ${schema.minimum}, got ${value}`);
        }
        if (schema.maximum !== undefined && value > schema.maximum) {
            errors.push(`${path} must be <= ${schema.maximum}, got ${value}`);
        }
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) {
            errors.push(`${path} must be at least ${schema.minLength} characters long`);
        }
        if (schema.maxLength !== undefined && value.length > schema.maxLength) {
            errors.push(`${path} must be at most ${schema.maxLength} characters long`);
        }
        if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
            errors.push(`${path} must match ${schema.pattern}, got ${JSON.stringify(value)}`);
        }
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) {
            errors.push(`${path} must have at least ${schema.minItems} items`);
        }
        if (schema.maxItems !== undefined && value.length > schema.maxItems) {
            errors.push(`${path} must have at most ${schema.maxItems} items`);
        }
        if (schema.items !== undefined && !Array.isArray(schema.items)) {
            value.forEach((item, i) => errors.push(...validateJsonSchema(item, schema.items as PolicyConfigJSONSchemaDefinition, `${path}[${i}]`)));
        }
    }
    if (typeOf(value) === "object") {
        const obj = value as Record<string, unknown>;
        for (const req of schema.required ?? []) {
            if (obj[req] === undefined) {
                errors.push(`${path}.${req} is required`);
            }
        }
        for (const [key, v] of Object.entries(obj)) {
            const propSchema = schema.properties?.[key];
            if (propSchema !== undefined) {
                errors.push(...validateJsonSchema(v, propSchema, `${path}.${key}`));
            } else if (schema.additionalProperties === false) {
                errors.push(`${path}.${key} is not a known setting (allowed: ${Object.keys(schema.properties ?? {}).join(", ")})`);
            } else if (typeof schema.additionalProperties === "object") {
                errors.push(...validateJsonSchema(v, schema.additionalProperties, `${path}.${key}`));
            }
        }
    }
    return errors;
}
