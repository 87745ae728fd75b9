import { policies } from "../policy-pack/policies";
import { planWebStack } from "../model";
import { applyOverrides, ConfigOverride } from "../config/overrides";
import { validateConfig } from "../config/validateConfig";
import { evaluatePolicies, Finding, PlannedResource, PolicyConfigFile } from "./evaluatePolicies";
import { renderMermaid } from "../render/mermaid";
import { LifecycleOptions, ProgramEntry, ProgramRun, RecordedResource, redactSecrets, runProgram, unwrapSecrets } from "./runProgram";
import { loadStackConfig } from "./stackConfig";

/** The plan document `--json` prints; docs/plan.md documents its shape. */
export interface PlanDocument {
    stack: string;
    /**
     * options appears only on resources where the program sets a lifecycle option; aliases only on
     * resources that answer to earlier identities (their alias URNs without the stack and project,
     * as comparePlans identifies resources), so a compare with an older plan matches them.
     */
    resources: { type: string; name: string; parent: string | null; custom: boolean; inputs: unknown; options?: LifecycleOptions; aliases?: string[] }[];
    outputs: Record<string, unknown>;
    findings: Finding[];
    summary: { resources: number; advisory: number; mandatory: number };
}

export interface PlanResult {
    document: PlanDocument;
    mermaid: string;
    /** Config keys the plan filled with a placeholder because they are secrets set at deploy time. */
    placeholders: string[];
}

export interface PlanOptions {
    policyConfig?: PolicyConfigFile;
    /** --set overrides of the stack file's config, for what-if runs and tests. */
    configOverrides?: ConfigOverride[];
    /** Which copy of the program to evaluate (see ProgramEntry); the CLI uses the build, as `pulumi preview` does. */
    program?: ProgramEntry;
}

/** The program's resources without the root stack resource, which no policy sees. */
function stackResources(run: ProgramRun): RecordedResource[] {
    return run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

/** A URN within its stack: "<qualified type>::<name>", without urn:pulumi:<stack>::<project>::. */
export function urnIdentity(urn: string): string {
    return urn.split("::").slice(2).join("::");
}

/** The resources as the policy engine sees them: secrets unwrapped to their values. */
export function plannedResources(run: ProgramRun): PlannedResource[] {
    return stackResources(run).map((r) => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent, custom: r.custom, inputs: unwrapSecrets(r.inputs) as Record<string, unknown> }));
}

/**
 * Runs the program offline for one stack and evaluates the policy pack over what it would
 * create. Throws ConfigError for an invalid stack config, before any resource exists.
 */
export async function planStack(stack: string, options: PlanOptions = {}): Promise<PlanResult> {
    const raw = loadStackConfig(stack);
    const config = applyOverrides(raw.config, options.configOverrides ?? []);
    // Validate up front as the program does, so the plan can draw the stack too.
    const { config: validated } = validateConfig(config, stack);
    const run = await runProgram(stack, config, raw.secretKeys, options.program ?? "sources");
    const resources = stackResources(run);
    const planned = plannedResources(run);
    const findings = evaluatePolicies(policies, planned, options.policyConfig ?? {});

    const document: PlanDocument = {
        stack,
        resources: resources.map((r) => ({
            type: r.type,
            name: r.name,
            parent: r.parent,
            custom: r.custom,
            inputs: redactSecrets(r.inputs),
            ...(r.options ? { options: r.options } : {}),
            ...(r.aliasUrns ? { aliases: r.aliasUrns.map(urnIdentity) } : {}),
        })),
        outputs: Object.fromEntries(Object.entries(run.outputs).map(([name, o]) => [name, o.secret ? "[secret]" : redactSecrets(o.value)])),
        findings,
        summary: {
            resources: planned.length,
            advisory: findings.filter((f) => f.enforcementLevel === "advisory").length,
            mandatory: findings.filter((f) => f.enforcementLevel === "mandatory").length,
        },
    };
    const monitors = run.resources.filter((r) => r.type === "datadog:index/monitor:Monitor").map((r) => String(unwrapSecrets(r.inputs.name)));
    return { document, mermaid: renderMermaid({ plan: planWebStack(validated, stack), monitors }), placeholders: raw.placeholders };
}
