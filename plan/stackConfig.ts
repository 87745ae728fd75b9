import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..");

/** Provider secrets that are set at deploy time and never committed; the offline plan stands in for them. */
export const DEPLOY_TIME_SECRETS = ["datadog:apiKey", "datadog:appKey"];
export const PLACEHOLDER_SECRET = "offline-plan-placeholder";

export interface RawStackConfig {
    /** `namespace:key` → string, as the Pulumi engine hands config to a program. */
    config: Record<string, string>;
    /** Keys whose values are secrets. */
    secretKeys: string[];
    /** Deploy-time secrets the file did not have and the plan filled with a placeholder. */
    placeholders: string[];
}

/**
 * Reads Pulumi.<stack>.yaml and applies the project defaults from Pulumi.yaml, as the
 * Pulumi CLI does before it starts the program. `secure:` values cannot be decrypted
 * offline; they are replaced with a placeholder and reported.
 */
export function loadStackConfig(stack: string, projectDir = PROJECT_DIR): RawStackConfig {
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !fs.existsSync(stackFile)) {
        const known = fs
            .readdirSync(projectDir)
            .filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f))
            .map((f) => f.split(".")[1]);
        throw new Error(`unknown stack "${stack}": no Pulumi.${stack}.yaml; stacks here: ${known.join(", ")}`);
    }
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name: string; config?: Record<string, { default?: unknown; secret?: boolean }> };
    const stackDocument = (parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: string[] = [];

    for (const [key, declaration] of Object.entries(project.config ?? {})) {
        if (declaration && typeof declaration === "object" && declaration.default !== undefined) {
            config[key] = asConfigString(declaration.default);
        }
    }
    for (const [key, value] of Object.entries(stackDocument.config ?? {})) {
        if (value && typeof value === "object" && "secure" in (value as object)) {
            config[key] = PLACEHOLDER_SECRET;
            secretKeys.push(key);
            placeholders.push(key);
        } else {
            config[key] = asConfigString(value);
        }
    }
    for (const key of DEPLOY_TIME_SECRETS) {
        if (config[key] === undefined) {
            config[key] = PLACEHOLDER_SECRET;
            secretKeys.push(key);
            placeholders.push(key);
        }
    }
    return { config, secretKeys, placeholders };
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}
