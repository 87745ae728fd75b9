import { allowedKeysAt, CONFIG_NAMESPACE, parseConfigValue } from "./validateConfig";

/**
 * `--set KEY=VALUE`: the one override vocabulary of the offline plan and the rehearsal.
 *
 * KEY is a config key as Pulumi.<stack>.yaml and `pulumi config set --path` name it: the
 * namespace, a colon, the key, and optionally a dotted path into that key's object
 * (webstack:backendHop, webstack:database.placement, aws:region). VALUE is read as the
 * stack file's YAML would type it: JSON when it parses as JSON (3, true, ["team:web"],
 * {"placement":"dedicated"}), a string otherwise. The stack's config with the overrides
 * applied then goes through the program's own validation (config/schema.ts), so a bad value
 * is reported exactly as in a stack file: the key, the value and what is allowed.
 */
export interface ConfigOverride {
    /** The key as given: `webstack:database.placement`. */
    name: string;
    /** The stack config key it changes: `webstack:database`. */
    key: string;
    /** Where inside that key's object: `["placement"]`; empty when the whole value is replaced. */
    path: string[];
    /** The value as given. */
    value: string;
}

/** A --set the CLIs cannot apply: bad usage (exit 2). */
export class OverrideError extends Error {}

const OVERRIDE_FORM = "namespace:key=value, the key as Pulumi.<stack>.yaml names it, optionally a dotted path into its object: webstack:backendHop=plaintext, webstack:database.placement=dedicated";

/**
 * Provider config a --set may change besides the program's own: what the stack files set.
 * The providers check their own keys; offline nobody would, so these pass unchecked.
 */
const PROVIDER_NAMESPACES = ["aws", "datadog"];

export function parseOverride(assignment: string): ConfigOverride {
    const match = /^([a-z][a-z0-9]*):([A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*)=(.*)$/s.exec(assignment);
    if (!match) {
        throw new OverrideError(`--set ${assignment}: expected ${OVERRIDE_FORM}`);
    }
    const [, namespace, dotted, value] = match;
    const name = `${namespace}:${dotted}`;
    const [top, ...path] = dotted.split(".");
    if (namespace === CONFIG_NAMESPACE) {
        checkSchemaPath(name, [top, ...path]);
    } else if (!PROVIDER_NAMESPACES.includes(namespace)) {
        throw new OverrideError(`--set ${name}: unknown namespace "${namespace}"; allowed: ${CONFIG_NAMESPACE} (the program's config), ${PROVIDER_NAMESPACES.join(", ")} (provider config)`);
    }
    return { name, key: `${namespace}:${top}`, path, value };
}

/** A webstack key must name a field of the schema; a misspelt key would otherwise add an unknown key or vanish into a default. */
function checkSchemaPath(name: string, parts: string[]): void {
    for (let i = 0; i < parts.length; i++) {
        const parent = parts.slice(0, i);
        const where = parent.length === 0 ? CONFIG_NAMESPACE : `${CONFIG_NAMESPACE}:${parent.join(".")}`;
        const allowed = allowedKeysAt(parent);
        if (allowed.length === 0) {
            throw new OverrideError(`--set ${name}: ${where} is not an object; set it whole: --set '${where}=<value>'`);
        }
        if (!allowed.includes(parts[i])) {
            throw new OverrideError(`--set ${name}: unknown config key ${parent.length === 0 ? `${CONFIG_NAMESPACE}:` : `${where}.`}${parts[i]}; keys of ${where}: ${allowed.join(", ")}`);
        }
    }
}

/**
 * The raw stack config (`namespace:key` → string, as Pulumi hands it to the program) with the
 * overrides applied in order, so a later one wins. Structured values are JSON text there; an
 * override with a path changes the one value inside and leaves its siblings as the stack file has them.
 */
export function applyOverrides(config: Record<string, string>, overrides: ConfigOverride[]): Record<string, string> {
    const result = { ...config };
    for (const override of overrides) {
        if (override.path.length === 0) {
            result[override.key] = override.value;
            continue;
        }
        const root = result[override.key] === undefined ? {} : parseConfigValue(result[override.key]);
        if (!isObject(root)) {
            throw new OverrideError(`--set ${override.name}: ${override.key} is ${result[override.key]} in the stack config, not an object`);
        }
        let node = root;
        for (const [i, part] of override.path.slice(0, -1).entries()) {
            const next = Object.hasOwn(node, part) ? node[part] : {};
            if (!isObject(next)) {
                throw new OverrideError(`--set ${override.name}: ${override.key}.${override.path.slice(0, i + 1).join(".")} is ${JSON.stringify(next)} in the stack config, not an object`);
            }
            node[part] = next;
            node = next;
        }
        node[override.path[override.path.length - 1]] = parseConfigValue(override.value);
        result[override.key] = JSON.stringify(root);
    }
    return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How the report and messages show an override. */
export function describeOverride(override: ConfigOverride): string {
    return `${override.name} = ${override.value}`;
}
