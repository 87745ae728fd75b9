import { parseCommandLine, UsageError } from "../cli/commandLine";
import { ConfigOverride, OverrideError, parseOverride } from "../config/overrides";
import { ConfigError } from "../config/validateConfig";
import { comparePlans, compareExitCode, loadPreviousPlan, renderComparison } from "./comparePlans";
import { Finding, loadPolicyConfig, PolicyConfigFile } from "./evaluatePolicies";
import { PlanDocument, PlanResult, planStack } from "./planStack";

const USAGE = `usage: npm run plan -- --stack <name> [--json | --mermaid] [--policy-config FILE] [--set KEY=VALUE]... [--compare PREVIOUS.json]

Runs the Pulumi program offline (under mocks) with Pulumi.<name>.yaml, evaluates the
policy pack over every resource it would create, and prints the resource tree, the stack
outputs (secrets redacted) and the findings.

  --stack NAME           stack to plan (dev, prod, ...)
  --json                 print one JSON document and nothing else on stdout
  --mermaid              print the architecture as a Mermaid diagram
  --policy-config FILE   enforcement levels and waivers (Pulumi's --policy-config format)
  --set KEY=VALUE        what-if: override one config value without editing the stack
                         file (repeatable). KEY as Pulumi.<name>.yaml names it, optionally a
                         dotted path into its object; VALUE is JSON if it parses as JSON,
                         else a string. e.g. --set webstack:backendHop=plaintext
                         --set webstack:database.placement=dedicated
  --compare PREVIOUS.json
                         print create/update/replace/delete/same per resource against an
                         earlier --json plan of the same stack (with --json: as JSON); exits 1
                         when a stateful resource would be replaced or deleted

exit status: 0 no mandatory finding, 1 a mandatory finding, 2 bad usage or invalid config
(with --compare: 0 no stateful resource at risk, 1 one would be replaced or deleted, 2 bad usage)`;

/** A bad --compare PREVIOUS.json: reported in one line, without the usage text. */
class PreviousPlanError extends UsageError {}

interface CliOptions {
    stack: string;
    format: "text" | "json" | "mermaid";
    policyConfig?: PolicyConfigFile;
    overrides: ConfigOverride[];
    compare?: { file: string; previous: PlanDocument };
}

export function parseCliArgs(argv: string[]): CliOptions {
    const values = parseCommandLine(argv, {
        stack: { type: "string" },
        json: { type: "boolean" },
        mermaid: { type: "boolean" },
        "policy-config": { type: "string" },
        set: { type: "string", multiple: true },
        compare: { type: "string" },
        help: { type: "boolean" },
    });
    if (values.help) {
        throw new UsageError("");
    }
    if (!values.stack) {
        throw new UsageError("--stack is required");
    }
    if (values.json && values.mermaid) {
        throw new UsageError("--json and --mermaid cannot be combined");
    }
    let policyConfig: PolicyConfigFile | undefined;
    if (values["policy-config"]) {
        try {
            policyConfig = loadPolicyConfig(values["policy-config"]);
        } catch (error) {
            throw new UsageError(`--policy-config ${values["policy-config"]}: ${(error as Error).message}`);
        }
    }
    if (values.compare !== undefined && values.mermaid) {
        throw new UsageError("--compare and --mermaid cannot be combined");
    }
    let compare: CliOptions["compare"];
    if (values.compare !== undefined) {
        try {
            compare = { file: values.compare, previous: loadPreviousPlan(values.compare, values.stack) };
        } catch (error) {
            throw new PreviousPlanError((error as Error).message);
        }
    }
    let overrides: ConfigOverride[];
    try {
        overrides = (values.set ?? []).map(parseOverride);
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    return { stack: values.stack, overrides, format: values.json ? "json" : values.mermaid ? "mermaid" : "text", policyConfig, compare };
}

export function renderText(result: PlanResult): string {
    const { document } = result;
    const lines: string[] = [`Plan for stack ${document.stack} (offline, under mocks)`, ""];
    if (result.placeholders.length > 0) {
        lines.push(`Deploy-time secrets stood in by placeholders: ${result.placeholders.join(", ")}`, "");
    }
    lines.push(`Resources (${document.summary.resources}):`);
    const children = new Map<string | null, typeof document.resources>();
    for (const r of document.resources) {
        children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
    const roots = document.resources.filter((r) => r.parent === null || !document.resources.some((p) => p.name === r.parent));
    const walk = (resource: (typeof document.resources)[number], depth: number) => {
        lines.push(`${"  ".repeat(depth + 1)}${resource.custom ? "+" : "□"} ${resource.type}  ${resource.name}`);
        // Only components parent others here; a custom resource may share its component's name.
        for (const child of resource.custom ? [] : (children.get(resource.name) ?? [])) {
            walk(child, depth + 1);
        }
    };
    roots.forEach((r) => walk(r, 0));

    lines.push("", "Outputs:");
    for (const [name, value] of Object.entries(document.outputs)) {
        const shown = typeof value === "string" ? (value.includes("\n") ? `${value.split("\n")[0]}…` : value) : JSON.stringify(value);
        lines.push(`  ${name}: ${shown}`);
    }

    for (const level of ["mandatory", "advisory"] as const) {
        const findings = document.findings.filter((f) => f.enforcementLevel === level);
        lines.push("", `${level === "mandatory" ? "Mandatory" : "Advisory"} findings (${findings.length}):`);
        findings.forEach((f: Finding) => lines.push(`  [${f.policy}] ${f.resource ? `${f.type} ${f.resource}: ` : ""}${f.message}`));
    }
    lines.push("", `Summary: ${document.summary.resources} resources, ${document.summary.mandatory} mandatory, ${document.summary.advisory} advisory findings`);
    return `${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
    let options: CliOptions;
    try {
        options = parseCliArgs(argv);
    } catch (error) {
        const message = (error as Error).message;
        process.stderr.write(error instanceof PreviousPlanError ? `plan: ${message}\n` : message ? `plan: ${message}\n\n${USAGE}\n` : `${USAGE}\n`);
        return message ? 2 : 0;
    }
    let result: PlanResult;
    try {
        // The compiled program, as `pulumi preview` runs it (Pulumi.yaml main: bin/main.js); `npm run plan` builds it first.
        result = await planStack(options.stack, { policyConfig: options.policyConfig, configOverrides: options.overrides, program: "build" });
    } catch (error) {
        // An override that does not fit the stack file (a path into a value that is not an object) is bad usage too.
        if (error instanceof ConfigError || error instanceof OverrideError || /unknown stack/.test((error as Error).message)) {
            process.stderr.write(`plan: stack ${options.stack}: ${(error as Error).message}\n`);
            return 2;
        }
        throw error;
    }
    if (options.compare) {
        const comparison = comparePlans(options.compare.previous, result.document);
        process.stdout.write(options.format === "json" ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison, options.compare.file));
        return compareExitCode(comparison);
    }
    if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result.document, null, 2)}\n`);
    } else if (options.format === "mermaid") {
        process.stdout.write(result.mermaid);
    } else {
        process.stdout.write(renderText(result));
    }
    return result.document.summary.mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    // Set the exit code and let Node exit when stdout has drained: process.exit() would cut a
    // --json document piped into a slow reader at the pipe's 64 KiB.
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (error) => {
            process.stderr.write(`plan: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 2;
        },
    );
}
