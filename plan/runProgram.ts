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

/** A program given as a function (tests that construct components with their own args); it returns the stack outputs. */
export type ProgramFunction = () => Record<string, unknown>;

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
    /**
     * The URNs this resource answers to through its own aliases and those it inherits from its
     * parents (see aliasUrnsOf): a state holding one of them is this resource.
     */
    aliasUrns?: string[];
}

/** Resource options that decide whether a change updates, replaces or is ignored. */
export interface LifecycleOptions {
    replaceOnChanges?: string[];
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    protect?: boolean;
    retainOnDelete?: boolean;
    /** Earlier identities of the resource: a name, a type or both (the rest as today, under the same parent). */
    aliases?: AliasSpec[];
}

/** An alias as the program gives it: what differs from the resource's identity today. */
export interface AliasSpec {
    name?: string;
    type?: string;
}

function lifecycleOptions(opts: pulumi.CustomResourceOptions): LifecycleOptions | undefined {
    const picked: LifecycleOptions = {};
    if (opts.replaceOnChanges?.length) picked.replaceOnChanges = [...opts.replaceOnChanges];
    if (opts.ignoreChanges?.length) picked.ignoreChanges = [...opts.ignoreChanges];
    if (opts.deleteBeforeReplace) picked.deleteBeforeReplace = true;
    if (opts.protect) picked.protect = true;
    if (opts.retainOnDelete) picked.retainOnDelete = true;
    const aliases = (opts.aliases ?? []).map(aliasSpec);
    if (aliases.length) picked.aliases = aliases;
    return Object.keys(picked).length > 0 ? picked : undefined;
}

/**
 * The name and type of an alias. Aliases that name another parent, stack or project, or a whole
 * URN, are not used by this program and are refused, so no alias is silently left unrecorded.
 */
function aliasSpec(alias: unknown): AliasSpec {
    if (typeof alias !== "object" || alias === null || pulumi.Output.isInstance(alias)) {
        throw new Error(`runProgram: unsupported alias ${String(alias)}: give aliases as { name } or { type }`);
    }
    const { name, type, ...rest } = alias as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || (name !== undefined && typeof name !== "string") || (type !== undefined && typeof type !== "string")) {
        throw new Error(`runProgram: unsupported alias ${JSON.stringify(alias)}: only plain { name, type } aliases are recorded`);
    }
    return { ...(name !== undefined ? { name } : {}), ...(type !== undefined ? { type } : {}) };
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

/** The region a run's mocks answer for: the stack's aws:region, or us-east-1 when the config sets none. */
export function regionOf(config: Record<string, string>): string {
    return config["aws:region"] ?? "us-east-1";
}

/**
 * Runs the Pulumi program (index.ts) under mocks with the given raw config and records every
 * resource it registers, with its parent and resolved inputs, and the stack outputs.
 * Config errors surface as the program's own exception (a ConfigError).
 */
export async function runProgram(
    stack: string,
    config: Record<string, string>,
    secretKeys: string[],
    entry: ProgramEntry | ProgramFunction = "sources",
    mockOptions: { secretGeneration?: string } = {},
): Promise<ProgramRun> {
    const region = regionOf(config);
    const recorded: RecordedResource[] = [];
    const parents = new Map<string, string | null>();
    const lifecycle = new Map<string, LifecycleOptions>();

    pulumi.runtime.setAllConfig(config, secretKeys);
    const mocks = webstackMocks(region, mockOptions.secretGeneration);
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
        program = typeof entry === "function" ? entry() : (require(PROGRAM_FILES[entry]) as Record<string, unknown>);
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

    const parentOf = (resource: RecordedResource): RecordedResource | undefined => {
        const parentName = parents.get(`${resource.type}::${resource.name}`) ?? null;
        return parentName ? recorded.find((r) => r.name === parentName && !r.custom) : undefined;
    };
    // Parents first, so a child's URN and aliases build on its parent's.
    const settled = new Set<RecordedResource>();
    const settle = (resource: RecordedResource): void => {
        if (settled.has(resource)) return;
        settled.add(resource);
        const parent = parentOf(resource);
        if (parent) settle(parent);
        resource.parent = parents.get(`${resource.type}::${resource.name}`) ?? null;
        const options = lifecycle.get(`${resource.type}::${resource.name}`);
        if (options) {
            resource.options = options;
        }
        resource.urn = urnOf(stack, parent?.urn, resource.type, resource.name);
        const aliasUrns = aliasUrnsOf(stack, resource, options?.aliases ?? [], parent);
        if (aliasUrns.length > 0) {
            resource.aliasUrns = aliasUrns;
        }
    };
    for (const resource of recorded) {
        settle(resource);
    }
    return { resources: recorded, outputs };
}

/** A resource's URN: its parent's qualified type, $, its own type, then its name (the stack's own resource has no parent). */
function urnOf(stack: string, parentUrn: string | undefined, type: string, name: string): string {
    const qualifiedType = parentUrn && !parentUrn.includes("::pulumi:pulumi:Stack::") ? `${qualifiedTypeOf(parentUrn)}$${type}` : type;
    return `urn:pulumi:${stack}::${PROJECT_NAME}::${qualifiedType}::${name}`;
}

function qualifiedTypeOf(urn: string): string {
    return urn.split("::")[2];
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function typeOf(urn: string): string {
    const types = qualifiedTypeOf(urn).split("$");
    return types[types.length - 1];
}

/**
 * Every URN the engine matches a resource's old state against, as Pulumi computes them (the
 * Node SDK's allAliases, the engine's alias specs): the resource's own aliases under its
 * parent today, then for each of the parent's alias URNs the resource itself and each of its
 * own aliases under that old parent. A child whose name starts with its parent's takes the
 * parent alias's name as that prefix. So a component renamed or retyped with an alias keeps
 * every descendant's old URN, with no alias on the descendants.
 */
export function aliasUrnsOf(
    stack: string,
    resource: Pick<RecordedResource, "type" | "name" | "urn">,
    aliases: AliasSpec[],
    parent: Pick<RecordedResource, "name" | "urn" | "aliasUrns"> | undefined,
): string[] {
    const own = aliases.map((alias) => urnOf(stack, parent?.urn, alias.type ?? resource.type, alias.name ?? resource.name));
    const inherited = (parent?.aliasUrns ?? []).flatMap((parentAlias) =>
        [resource.urn, ...own].map((urn) => {
            const name = nameOf(urn);
            const aliasName = parent && name.startsWith(parent.name) ? nameOf(parentAlias) + name.slice(parent.name.length) : name;
            return `urn:pulumi:${stack}::${PROJECT_NAME}::${qualifiedTypeOf(parentAlias)}$${typeOf(urn)}::${aliasName}`;
        }),
    );
    return [...new Set([...own, ...inherited])].filter((urn) => urn !== resource.urn);
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
