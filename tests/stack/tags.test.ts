import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WebStack, WebStackArgs } from "../../components/webstack";
import { validateConfig } from "../../config/validateConfig";
import { webStackArgs } from "../../webStackArgs";
import { ProgramRun, RecordedResource, runProgram } from "../../plan/runProgram";
import { loadStackConfig } from "../../plan/stackConfig";
import { inputs, programRun } from "../helpers/programRuns";

// WebStackArgs.tags reaches every AWS resource that takes tags, under the resource's own (Name)
// and over the provider's default tags, which the program never repeats per resource.

const EXTRA = { team: "web", "cost-center": "42" };

/** Whether an @pulumi/aws resource type takes a tags input (its class sets resourceInputs["tags"]). */
function taggable(type: string): boolean {
    const match = /^aws:([^/]+)\/[^:]+:(\w+)$/.exec(type);
    assert.ok(match, `an @pulumi/aws type token: ${type}`);
    const resourceClass = (aws as unknown as Record<string, Record<string, unknown>>)[match[1]]?.[match[2]];
    assert.equal(typeof resourceClass, "function", `@pulumi/aws has a class for ${type}`);
    return Function.prototype.toString.call(resourceClass).includes('resourceInputs["tags"]');
}

const awsResources = (run: ProgramRun) => run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
const tagsOf = (r: RecordedResource) => inputs(r).tags as Record<string, string> | undefined;

/** The stack's program, with WebStack given its args by hand: config mapped, then tags added. */
function withExtraTags(stack: string, tags: WebStackArgs["tags"]): Promise<ProgramRun> {
    const raw = loadStackConfig(stack);
    const { config } = validateConfig(raw.config, stack);
    return runProgram(stack, raw.config, raw.secretKeys, () => {
        const web = new WebStack("webstack", { ...webStackArgs(config, stack, { datadogApiKey: pulumi.secret("datadog-api-key") }), tags });
        return { url: web.url };
    });
}

describe("WebStackArgs.tags: on every taggable AWS resource, with the provider's default tags", function () {
    this.timeout(120000);
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every taggable AWS resource carries the extra tags, under its own Name`, async () => {
            const plain = await programRun(stack);
            const tagged = await withExtraTags(stack, pulumi.output(EXTRA));
            const before = new Map(awsResources(plain).map((r) => [r.urn, r]));
            const resources = awsResources(tagged);
            assert.equal(resources.length, before.size, "the same AWS resources with and without tags");
            const taggableTypes = new Set(resources.filter((r) => taggable(r.type)).map((r) => r.type));
            for (const type of ["aws:ec2/instance:Instance", "aws:ec2/securityGroup:SecurityGroup", "aws:ssm/parameter:Parameter", "aws:iam/role:Role", "aws:s3/bucket:Bucket"]) {
                assert.ok(taggableTypes.has(type), `${type} is judged taggable`);
            }
            for (const resource of resources) {
                const own = tagsOf(before.get(resource.urn)!) ?? {};
                if (taggable(resource.type)) {
                    assert.deepEqual(tagsOf(resource), { ...EXTRA, ...own }, `${resource.type} ${resource.name}`);
                } else {
                    assert.equal(tagsOf(resource), undefined, `${resource.type} ${resource.name} takes no tags`);
                }
            }
        });

        it(`${stack}: without extra tags, no resource repeats the provider's default tags`, async () => {
            const defaults = JSON.parse(loadStackConfig(stack).config["aws:defaultTags"]).tags as Record<string, string>;
            for (const resource of awsResources(await programRun(stack))) {
                const keys = Object.keys(tagsOf(resource) ?? {});
                assert.deepEqual(
                    keys.filter((key) => key in defaults),
                    [],
                    `${resource.type} ${resource.name}: ${keys.join(", ")}`,
                );
                assert.ok(
                    keys.every((key) => key === "Name" || key === "tier"),
                    `${resource.type} ${resource.name} has only its own tags: ${keys.join(", ")}`,
                );
            }
        });
    }

    it("a resource's own Name wins over a Name among the extra tags", async () => {
        const run = await withExtraTags("dev", { Name: "not-a-server", team: "web" });
        const lb = run.resources.find((r) => r.type === "aws:ec2/instance:Instance" && r.name === "webstack-lb")!;
        assert.deepEqual(tagsOf(lb), { Name: "webstack-lb", team: "web" });
    });
});
