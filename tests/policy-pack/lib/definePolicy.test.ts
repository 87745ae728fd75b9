import { strict as assert } from "assert";
import { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { definePolicy, prodPolicyConfig } from "../../../policy-pack/lib/definePolicy";

function resourceArgs(config: object, calls: { getConfig: number }): ResourceValidationArgs {
    return {
        type: "aws:ec2/instance:Instance",
        name: "web-0",
        urn: "urn:pulumi:dev::webstack::aws:ec2/instance:Instance::web-0",
        props: {},
        getConfig: <T>() => {
            calls.getConfig++;
            return { ...config } as T;
        },
    } as unknown as ResourceValidationArgs;
}

describe("policy-pack/lib/definePolicy", () => {
    const policy = definePolicy({
        name: "sample",
        category: "hardening",
        severity: "high",
        description: "A sample.",
        settings: {
            maxDays: { type: "integer", minimum: 1, default: 30, description: "Days." },
            names: { type: "array", items: { type: "string" }, default: ["a"], description: "Names." },
            asOf: { type: "string", description: "Optional date." },
        },
        validateResource: (args, report, settings) => {
            if (args.name === "skip") return;
            const s = settings();
            report(`${s.maxDays} ${s.names.join(",")} ${s.asOf ?? "unset"}`);
        },
    }) as ResourceValidationPolicy;

    function run(config: object, name = "web-0"): { messages: string[]; getConfig: number } {
        const calls = { getConfig: 0 };
        const messages: string[] = [];
        const args = { ...resourceArgs(config, calls), name };
        (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(args, (m) => messages.push(m));
        return { messages, getConfig: calls.getConfig };
    }

    it("gives the check its settings' defaults, overlaid with the config (enforcementLevel dropped)", () => {
        assert.deepEqual(run({}).messages, ["30 a unset"]);
        assert.deepEqual(run({ maxDays: 7, asOf: "2026-01-01", enforcementLevel: "mandatory" }).messages, ["7 a 2026-01-01"]);
    });

    it("reads the config only when the check asks for its settings", () => {
        assert.equal(run({}, "skip").getConfig, 0);
        assert.equal(run({}).getConfig, 1);
    });

    it("declares the settings, with waivers, as the configSchema the engine validates; advisory by default", () => {
        assert.deepEqual(Object.keys(policy.configSchema!.properties), ["maxDays", "names", "asOf", "waivers"]);
        assert.equal((policy.configSchema!.properties.maxDays as { default: number }).default, 30);
        assert.equal(policy.enforcementLevel, "advisory");
    });

    it("reports its severity and category to the SDK (severity, tags) and keeps both for the pack", () => {
        assert.equal(policy.severity, "high");
        assert.deepEqual(policy.tags, ["hardening"]);
        assert.equal((policy as unknown as { category: string }).category, "hardening");
    });

    it("passes the settings to a stack check too", () => {
        const seen: number[] = [];
        const stack = definePolicy({
            name: "stack-sample",
            category: "aws-limit",
            severity: "low",
            description: "A stack sample.",
            settings: { limit: { type: "integer", default: 5, description: "Limit." } },
            validateStack: (_args, _report, settings) => {
                seen.push(settings().limit);
            },
        }) as StackValidationPolicy;
        void stack.validateStack({ resources: [], getConfig: () => ({ limit: 9 }) } as unknown as StackValidationArgs, () => undefined);
        assert.deepEqual(seen, [9]);
    });

    it("refuses a category it does not know, naming the policy and the categories allowed", () => {
        assert.throws(
            () => definePolicy({ name: "bad", category: "style" as "hardening", severity: "low", description: "x", validateResource: () => undefined }),
            /policy bad: category "style" is not one of documented-weakness, design-control, hardening, aws-limit/,
        );
    });

    it("prodPolicyConfig: all advisory, high and critical policies mandatory, in the given order", () => {
        const make = (name: string, severity: "low" | "medium" | "high" | "critical") => definePolicy({ name, category: "hardening", severity, description: "x", validateResource: () => undefined });
        assert.deepEqual(prodPolicyConfig([make("c", "critical"), make("l", "low"), make("h", "high"), make("m", "medium")]), { all: "advisory", c: "mandatory", h: "mandatory" });
    });
});
