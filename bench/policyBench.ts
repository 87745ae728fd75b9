// Policy pack benchmark: evaluates the pack in-process (plan/evaluatePolicies, the same path as
// `npm run plan`) over synthetic stacks of 1,000 and 10,000 resources and prints the time per
// run, per resource and the growth factor 1k → 10k (10× resources: ~10× time is linear), then
// times every policy on its own at both sizes to show which one does not scale linearly.
//
//   npx ts-node -T bench/policyBench.ts [--runs 3] [--sizes 1000,10000]
//
// The synthetic stacks are made of what the real program renders: the custom and component
// resources of `runProgram("dev")` and `runProgram("prod")` (instances with their real cloud-init
// user data carrying haproxy.cfg / my.cnf / nftables.conf, security groups and VPC ingress rules,
// RDS instances, TLS keys and certificates, Datadog monitors, and the network/IAM/SSM glue around
// them), copied over and over with new names and URNs until the stack has the requested size.
// Each copy keeps its parent links (renamed with the copy), so parent resolution is exercised too.
import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, Finding, PlannedResource } from "../plan/evaluatePolicies";
import { plannedResources } from "../plan/planStack";
import { runProgram } from "../plan/runProgram";
import { loadStackConfig } from "../plan/stackConfig";
import { policies } from "../policy-pack/policies";
import { arg, nowMs, median } from "./benchArgs";

/** The resources the plan hands to the evaluator for one stack (as plan/planStack.ts does). */
async function realResources(stack: string): Promise<PlannedResource[]> {
    const raw = loadStackConfig(stack);
    return plannedResources(await runProgram(stack, raw.config, raw.secretKeys));
}

/** Copy `copy` of a template resource: new name, URN and parent, same inputs (deep copied). */
function renamed(r: PlannedResource, copy: number): PlannedResource {
    const name = `${r.name}-c${copy}`;
    return {
        ...r,
        name,
        urn: r.urn.replace(/::[^:]*$/, `::${name}`),
        parent: r.parent === null ? null : `${r.parent}-c${copy}`,
        inputs: structuredClone(r.inputs),
    };
}

/** A stack of exactly `size` resources: whole copies of the template, the last one cut short. */
function syntheticStack(template: PlannedResource[], size: number): PlannedResource[] {
    const out: PlannedResource[] = [];
    for (let copy = 0; out.length < size; copy++) {
        for (const r of template) {
            if (out.length === size) {
                break;
            }
            out.push(renamed(r, copy));
        }
    }
    return out;
}

function countByType(resources: PlannedResource[], types: string[]): string {
    return types.map((t) => `${t.split(":")[1]}=${resources.filter((r) => r.type === t).length}`).join(" ");
}

function time(policyList: Policies, resources: PlannedResource[], runs: number): { ms: number[]; findings: Finding[] } {
    const ms: number[] = [];
    let findings: Finding[] = [];
    for (let i = 0; i < runs; i++) {
        const start = nowMs();
        findings = evaluatePolicies(policyList, resources, {});
        ms.push(nowMs() - start);
    }
    return { ms, findings };
}

function pad(cells: string[], widths: number[]): string {
    return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
}

function printTable(header: string[], rows: string[][]): void {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    console.log(pad(header, widths));
    console.log("-".repeat(widths.reduce((a, b) => a + b + 2, -2)));
    for (const r of rows) {
        console.log(pad(r, widths));
    }
}

async function main(): Promise<void> {
    const runs = Number(arg("runs", "3"));
    const sizes = arg("sizes", "1000,10000").split(",").map(Number);
    const template = [...(await realResources("dev")), ...(await realResources("prod"))];
    const stacks = sizes.map((size) => syntheticStack(template, size));

    console.log(`template: ${template.length} resources (dev + prod under mocks); ${policies.length} policies; median of ${runs} run(s) after one warm-up run`);
    const shown = ["aws:ec2/instance:Instance", "aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:rds/instance:Instance", "tls:index/privateKey:PrivateKey", "tls:index/locallySignedCert:LocallySignedCert", "datadog:index/monitor:Monitor"];
    for (const s of stacks) {
        console.log(`  ${s.length} resources: ${countByType(s, shown)}`);
    }

    // Whole pack.
    time(policies, stacks[0], 1); // warm-up: JIT, regex compilation, lazy requires
    const whole = stacks.map((s) => time(policies, s, runs));
    console.log("\nwhole pack");
    printTable(
        ["resources", "ms/run median (min–max)", "µs/resource", "findings", "policy failures"],
        stacks.map((s, i) => [
            String(s.length),
            `${median(whole[i].ms).toFixed(0)} (${Math.min(...whole[i].ms).toFixed(0)}–${Math.max(...whole[i].ms).toFixed(0)})`,
            ((median(whole[i].ms) * 1000) / s.length).toFixed(1),
            String(whole[i].findings.length),
            String(whole[i].findings.filter((f) => / failed( on |: )/.test(f.message) && f.message.includes("the resource was not checked")).length),
        ]),
    );
    const first = median(whole[0].ms);
    const last = median(whole[whole.length - 1].ms);
    const sizeFactor = sizes[sizes.length - 1] / sizes[0];
    console.log(`growth ${sizes[0]} → ${sizes[sizes.length - 1]}: ×${(last / first).toFixed(1)} time for ×${sizeFactor} resources (linear ≈ ×${sizeFactor})`);

    // Each policy alone (evaluatePolicies with a one-policy list), to find the one that grows fastest.
    // Two no-op policies show what the evaluator itself costs (input cloning, parent resolution).
    const noopStack: StackValidationPolicy = { name: "(no-op stack policy)", description: "evaluator baseline", validateStack: () => undefined };
    const noopResource: ResourceValidationPolicy = { name: "(no-op resource policy)", description: "evaluator baseline", validateResource: () => undefined };
    const perPolicy = [...policies, noopStack, noopResource].map((p) => {
        const single = [p];
        time(single, stacks[0], 1);
        const results = stacks.map((s) => time(single, s, runs));
        const ms = results.map((r) => median(r.ms));
        const findings = results.map((r) => r.findings.length);
        return { name: p.name, kind: "validateStack" in p ? "stack" : "resource", ms, findings, growth: ms[ms.length - 1] / ms[0] };
    });
    perPolicy.sort((a, b) => b.growth - a.growth);
    console.log("\neach policy alone (sorted by growth)");
    printTable(
        ["policy", "kind", ...sizes.map((n) => `ms @${n}`), "growth", "findings", "verdict"],
        perPolicy.map((p) => [
            p.name,
            p.kind,
            ...p.ms.map((m) => m.toFixed(1)),
            `×${p.growth.toFixed(1)}`,
            p.findings.join(" → "),
            p.growth > sizeFactor * 2 ? "SUPERLINEAR" : "linear",
        ]),
    );
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
