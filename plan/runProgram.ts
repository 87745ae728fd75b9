import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { webstackMocks } from "./mocks";
import { PROJECT_DIR } from "./stackConfig";

export const PROJECT_NAME = "webstack";

/**
 * Where the program is loaded from. "build" is what `pulumi preview` runs (Pulumi.yaml main:
 * bin/main.js, compiled by `npm run build`), so `npm run plan` evaluates the same code the same way;
 * "sources" is index.ts through the caller's ts-node, for tests that must not depend on a build.
 */
export type ProgramEntry = "build" | "sources";
export const PROGRAM_FILES: Record<ProgramEntry, string> = {
    build: path.join(PROJECT_DIR, "bin", "main.js"),
    sources: path.join(PROJECT_DIR, "index.ts"),
};

/** One registered resource as the policy engine would see it at preview. */
export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    parent: string | null;
    custom: boolean;
    /** Resolved inputs; secret values are wrapped as { secret: value } markers (see isSecretValue). */
    inputs: Record<string, unknown>;
    /** The lifecycle options the program sets on it, if any (the plan compare reads them). */
    options?: LifecycleOptions;
    /** The URNs this resource answers to through its aliases: a state holding one of them is this resource. */
    aliasUrns?: string[];
}

/** Resource options that decide whether a change updates, replaces or is ignored. */
export interface LifecycleOptions {
    replaceOnChanges?: string[];
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    protect?: boolean;
    retainOnDelete?: boolean;
    /** Earlier names of the resource (aliases by name: same type and parent). */
    aliasNames?: string[];
}

function lifecycleOptions(opts: pulumi.CustomResourceOptions): LifecycleOptions | undefined {
    const picked: LifecycleOptions = {};
    if (opts.replaceOnChanges?.length) picked.replaceOnChanges = [...opts.replaceOnChanges];
    if (opts.ignoreChanges?.length) picked.ignoreChanges = [...opts.ignoreChanges];
    if (opts.deleteBeforeReplace) picked.deleteBeforeReplace = true;
    if (opts.protect) picked.protect = true;
    if (opts.retainOnDelete) picked.retainOnDelete = true;
    const aliasNames = (opts.aliases ?? []).map((a) => (typeof a === "object" && a !== null && "name" in a && typeof a.name === "string" ? a.name : undefined)).filter((n): n is string => n !== undefined);
    if (aliasNames.length) picked.aliasNames = aliasNames;
    return Object.keys(picked).length > 0 ? picked : undefined;
}

export interface ProgramRun {
    resources: RecordedResource[];
    /** Stack outputs with their secrecy. */
    outputs: Record<string, { value: unknown; secret: boolean }>;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Replaces every secret in a value with "[secret]". */
export function redactSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return "[secret]";
    }
    if (Array.isArray(value)) {
        return value.map(redactSecrets);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
    }
    return value;
}

/** Removes the secret markers, keeping the values: what a policy sees. */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecretValue(value)) {
        return unwrapSecrets(value.value);
    }
    if (Array.isArray(value)) {
        return value.map(unwrapSecrets);
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

/**
 * Runs the Pulumi program (index.ts) under mocks with the given raw config and records every
 * resource it registers, with its parent and resolved inputs, and the stack outputs.
 * Config errors surface as the program's own exception (a ConfigError).
 */
export async function runProgram(stack: string, config: Record<string, string>, secretKeys: string[], entry: ProgramEntry = "sources"): Promise<ProgramRun> {
    const region = config["aws:region"] ?? "us-east-1";
    const recorded: RecordedResource[] = [];
    const parents = new Map<string, string | null>();
    const lifecycle = new Map<string, LifecycleOptions>();

    pulumi.runtime.setAllConfig(config, secretKeys);
    const mocks = webstackMocks(region);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const result = mocks.newResource(args) as { id: string; state: Record<string, unknown> };
                recorded.push({ type: args.type, name: args.name, urn: "", parent: null, custom: args.custom ?? true, inputs: args.inputs });
                return result;
            },
            call: mocks.call,
        },
        PROJECT_NAME,
        stack,
        false,
    );
    clearProgramModules();
    let program: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => {
        // Parents are only visible to transformations; record them as resources are constructed.
        pulumi.runtime.registerStackTransformation((args) => {
            const parent = args.opts.parent as unknown as { __name?: string } | undefined;
            parents.set(`${args.type}::${args.name}`, parent?.__name ?? null);
            const options = lifecycleOptions(args.opts as pulumi.CustomResourceOptions);
            if (options) {
                lifecycle.set(`${args.type}::${args.name}`, options);
            }
            return undefined;
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        program = require(PROGRAM_FILES[entry]) as Record<string, unknown>;
        return program;
    });

    const outputs: ProgramRun["outputs"] = {};
    for (const [name, value] of Object.entries(program)) {
        if (pulumi.Output.isInstance(value)) {
            outputs[name] = await resolveOutput(value);
        }
    }
    // Settle: every apply that registers nothing more has run once outputs resolve, but
    // resources registered from callbacks may still be in flight.
    await new Promise((resolve) => setTimeout(resolve, 50));

    const chain = (type: string, name: string): string => {
        const parentName = parents.get(`${type}::${name}`) ?? null;
        const parentRecord = parentName ? recorded.find((r) => r.name === parentName && !r.custom) : undefined;
        return parentRecord ? `${chain(parentRecord.type, parentRecord.name)}$${type}` : type;
    };
    for (const resource of recorded) {
        resource.parent = parents.get(`${resource.type}::${resource.name}`) ?? null;
        const options = lifecycle.get(`${resource.type}::${resource.name}`);
        if (options) {
            resource.options = options;
        }
        resource.urn = `urn:pulumi:${stack}::${PROJECT_NAME}::${chain(resource.type, resource.name)}::${resource.name}`;
        if (options?.aliasNames) {
            resource.aliasUrns = options.aliasNames.map((name) => `urn:pulumi:${stack}::${PROJECT_NAME}::${chain(resource.type, resource.name)}::${name}`);
        }
    }
    return { resources: recorded, outputs };
}

async function resolveOutput(output: pulumi.Output<unknown>): Promise<{ value: unknown; secret: boolean }> {
    const internal = output as unknown as { promise(): Promise<unknown>; isSecret: Promise<boolean> };
    const [value, secret] = await Promise.all([internal.promise(), internal.isSecret]);
    return { value, secret };
}

/** Project modules (sources and bin/) are re-required per run so each stack's config is read afresh. */
function clearProgramModules(): void {
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(PROJECT_DIR) && !id.includes(`${path.sep}node_modules${path.sep}`) && !id.includes(`${path.sep}plan${path.sep}`)) {
            delete require.cache[id];
        }
    }
}
