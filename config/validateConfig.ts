import { checkProvidedCertificate } from "./providedCertificate";
import { configSchema, secretKeys, WebstackConfig } from "./schema";

export const CONFIG_NAMESPACE = "webstack";

/** Thrown when the stack's config is invalid; lists every problem, one per line. */
export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

/** A PEM certificate and key from secret config (certificate.source = provided). */
export interface ProvidedCertificate {
    certificatePem: string;
    privateKeyPem: string;
}

export interface ValidatedConfig {
    config: WebstackConfig;
    /** Plain text here; the caller must wrap it with pulumi.secret before use. */
    providedCertificate?: ProvidedCertificate;
}

/**
 * Validates the raw stack config (the `namespace:key` → string map Pulumi hands a program)
 * into one typed object. Pure: no Pulumi runtime needed, so tests and the offline plan
 * call it directly. Throws ConfigError naming each bad key, its value and what is allowed.
 */
export function validateConfig(rawConfig: Record<string, string>, stack?: string): ValidatedConfig {
    const problems: string[] = [];
    const values: Record<string, unknown> = {};
    const secrets: Record<string, string> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;

    for (const [fullKey, rawValue] of Object.entries(rawConfig)) {
        if (!fullKey.startsWith(prefix)) {
            continue; // provider config (aws:region, datadog:apiKey) belongs to the providers
        }
        const key = fullKey.slice(prefix.length);
        if ((secretKeys as readonly string[]).includes(key)) {
            secrets[key] = rawValue;
            continue;
        }
        values[key] = parseConfigValue(rawValue);
    }

    const parsed = configSchema.safeParse(values, { reportInput: true });
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            problems.push(...describeIssue(issue, values));
        }
        throw new ConfigError(problems);
    }
    const config = parsed.data;

    if (stack !== undefined) {
        problems.push(...checkDefaultTags(rawConfig["aws:defaultTags"], stack));
    }

    // The Datadog provider reads these itself; without them `pulumi up` fails halfway.
    for (const key of ["datadog:apiKey", "datadog:appKey"]) {
        if (!rawConfig[key]) {
            problems.push(`${key}: not set; the monitors and the agents need it: \`pulumi config set --secret ${key} <key>\``);
        }
    }

    let providedCertificate: ProvidedCertificate | undefined;
    if (config.certificate.source === "provided") {
        const certificatePem = secrets.certificatePem;
        const privateKeyPem = secrets.certificateKeyPem;
        if (!certificatePem || !/-----BEGIN CERTIFICATE-----/.test(certificatePem)) {
            problems.push(`${prefix}certificatePem: certificate.source is "provided", so set a PEM certificate with \`pulumi config set --secret certificatePem -- "$(cat fullchain.pem)"\``);
        }
        if (!privateKeyPem || !/-----BEGIN (EC |RSA )?PRIVATE KEY-----/.test(privateKeyPem)) {
            problems.push(`${prefix}certificateKeyPem: certificate.source is "provided", so set the PEM private key with \`pulumi config set --secret certificateKeyPem -- "$(cat privkey.pem)"\``);
        }
        if (problems.length === 0) {
            problems.push(...checkProvidedCertificate(certificatePem!, privateKeyPem!, config.domain));
        }
        if (problems.length === 0) {
            providedCertificate = { certificatePem: certificatePem!, privateKeyPem: privateKeyPem! };
        }
    } else {
        for (const key of secretKeys) {
            if (secrets[key] !== undefined) {
                problems.push(`${prefix}${key}: only used when certificate.source is "provided" (it is "${config.certificate.source}"); remove it or set certificate.source to "provided"`);
            }
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return { config, providedCertificate };
}

/**
 * The tags every AWS resource of the stack carries, through the AWS provider's default tags
 * (set in the stack's config, so no resource changes provider). The Datadog AWS integration
 * turns them into metric tags, and the RDS monitors select by them.
 */
export function requiredDefaultTags(stack: string): Record<string, string> {
    return { env: stack, service: "webstack", stack };
}

function checkDefaultTags(raw: string | undefined, stack: string): string[] {
    const required = requiredDefaultTags(stack);
    const parsed = raw === undefined ? undefined : parseConfigValue(raw);
    const tags = (parsed as { tags?: Record<string, unknown> } | undefined)?.tags ?? {};
    const wrong = Object.entries(required).filter(([key, value]) => tags[key] !== value);
    if (wrong.length === 0) {
        return [];
    }
    const yaml = Object.entries(required)
        .map(([key, value]) => `${key}: ${value}`)
        .join(", ");
    return [
        `aws:defaultTags = ${raw === undefined ? "(not set)" : JSON.stringify(parsed)}: must tag every AWS resource with ${wrong.map(([k, v]) => `${k}=${v}`).join(", ")} (the monitors and the Datadog AWS integration select resources by these tags); in Pulumi.${stack}.yaml set aws:defaultTags: {tags: {${yaml}}}`,
    ];
}

/** Pulumi passes structured config as JSON text and scalars as plain text. */
export function parseConfigValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

interface Issue {
    code: string;
    path: PropertyKey[];
    message: string;
    input?: unknown;
    keys?: string[];
}

function describeIssue(issue: Issue, values: Record<string, unknown>): string[] {
    const key = `${CONFIG_NAMESPACE}:${issue.path.map(String).join(".")}`;
    if (issue.code === "unrecognized_keys" && issue.keys) {
        const allowed = allowedKeysAt(issue.path);
        return issue.keys.map((unknownKey) => {
            const where = issue.path.length > 0 ? `${key}.${unknownKey}` : `${CONFIG_NAMESPACE}:${unknownKey}`;
            return `${where}: unknown config key; allowed here: ${allowed.join(", ")}`;
        });
    }
    // Refinements report the whole object as input; show the value at the key instead.
    const value = issue.code === "custom" || issue.input === undefined ? valueAt(values, issue.path) : issue.input;
    const shown = value === undefined ? "(not set)" : JSON.stringify(value);
    return [`${key} = ${shown}: ${issue.message}`];
}

function valueAt(values: Record<string, unknown>, path: PropertyKey[]): unknown {
    let current: unknown = values;
    for (const part of path) {
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<PropertyKey, unknown>)[part];
    }
    return current;
}

/**
 * The keys an object in the schema accepts, for "unknown key" messages (and --set keys);
 * none when the path does not lead to an object.
 */
export function allowedKeysAt(path: PropertyKey[]): string[] {
    // Walk the schema's shape along the path; unwrap defaults and refinements on the way.
    let schema: SchemaNode | undefined = configSchema as unknown as SchemaNode;
    for (const part of [undefined, ...path]) {
        schema = unwrap(schema);
        if (part !== undefined) {
            schema = schema?.shape?.[part as string];
        }
    }
    schema = unwrap(schema);
    const keys = Object.keys(schema?.shape ?? {});
    return path.length === 0 ? [...keys, ...secretKeys] : keys;
}

/** What allowedKeysAt reads of a zod schema: an object's shape, a wrapper's inner schema. */
interface SchemaNode {
    shape?: Record<string, SchemaNode | undefined>;
    def?: { innerType?: SchemaNode; in?: SchemaNode; schema?: SchemaNode };
}

function unwrap(schema: SchemaNode | undefined): SchemaNode | undefined {
    let current = schema;
    for (let i = 0; i < 10 && current && !current.shape; i++) {
        current = current.def?.innerType ?? current.def?.in ?? current.def?.schema;
    }
    return current;
}
