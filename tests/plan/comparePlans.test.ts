import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { comparePlans, compareExitCode, loadPreviousPlan, renderComparison, summaryLine } from "../../plan/comparePlans";
import { PlanDocument } from "../../plan/planStack";
import { REPLACE_TRIGGERS, STATEFUL_TYPES } from "../../plan/replaceTriggers";

type Resource = PlanDocument["resources"][number];

const component = (type: string, name: string, parent: string | null = null): Resource => ({ type, name, parent, custom: false, inputs: {} });
const custom = (type: string, name: string, inputs: Record<string, unknown>, parent: string | null = "web"): Resource => ({ type, name, parent, custom: true, inputs });
const doc = (resources: Resource[], stack = "dev"): PlanDocument => ({ stack, resources, outputs: {}, findings: [], summary: { resources: resources.length, advisory: 0, mandatory: 0 } });

const INSTANCE = "aws:ec2/instance:Instance";
const root = component("webstack:index:WebStack", "web");
const server = (inputs: Record<string, unknown> = {}) =>
    custom(INSTANCE, "app-0", { ami: "ami-1", instanceType: "t3.micro", privateIp: "10.0.0.10", subnetId: "subnet-a", userData: "#cloud-config v1", userDataReplaceOnChange: true, ...inputs });

function only(previous: PlanDocument, current: PlanDocument, name: string) {
    const found = comparePlans(previous, current).changes.filter((c) => c.name === name);
    assert.equal(found.length, 1, `one change for ${name}`);
    return found[0];
}

describe("plan compare: actions from hand-made plans", () => {
    it("same: identical inputs", () => {
        const c = comparePlans(doc([root, server()]), doc([root, server()]));
        assert.deepEqual(c.summary, { create: 0, update: 0, replace: 0, delete: 0, same: 2, unknown: 0 });
        assert.equal(compareExitCode(c), 0);
    });

    it("create and delete: a resource only in one plan", () => {
        const added = custom("aws:route53/record:Record", "app-1-dns", { name: "app-1.web.internal" });
        assert.equal(only(doc([root]), doc([root, added]), "app-1-dns").action, "create");
        assert.equal(only(doc([root, added]), doc([root]), "app-1-dns").action, "delete");
    });

    it("a resource that answers to an old identity through an alias is the same resource, not a delete and a create", () => {
        const renamed = { ...custom("aws:route53/record:Record", "app-0-dns-v2", { name: "app-0.web.internal" }), aliases: ["webstack:index:WebStack$aws:route53/record:Record::app-0-dns"] };
        const c = comparePlans(doc([root, custom("aws:route53/record:Record", "app-0-dns", { name: "app-0.web.internal" })]), doc([root, renamed]));
        assert.deepEqual(c.summary, { create: 0, update: 0, replace: 0, delete: 0, same: 2, unknown: 0 });
    });

    it("update: instanceType is not ForceNew in the provider schema, and the change is listed", () => {
        const c = only(doc([root, server()]), doc([root, server({ instanceType: "t3.small" })]), "app-0");
        assert.equal(c.action, "update");
        assert.deepEqual(c.changed, ["instanceType"]);
        assert.match(c.why, /instanceType/);
    });

    it("replace: a ForceNew input is named, with nested paths (rootBlockDevice.encrypted)", () => {
        const ami = only(doc([root, server()]), doc([root, server({ ami: "ami-2", instanceType: "t3.small" })]), "app-0");
        assert.equal(ami.action, "replace");
        assert.deepEqual(ami.replacedBecause, ["ami"]);
        assert.match(ami.why, /also changed: instanceType/);
        const disk = only(doc([root, server({ rootBlockDevice: { encrypted: false, volumeSize: 20 } })]), doc([root, server({ rootBlockDevice: { encrypted: true, volumeSize: 20 } })]), "app-0");
        assert.deepEqual([disk.action, disk.replacedBecause], ["replace", ["rootBlockDevice.encrypted"]]);
        const size = only(doc([root, server({ rootBlockDevice: { encrypted: true, volumeSize: 20 } })]), doc([root, server({ rootBlockDevice: { encrypted: true, volumeSize: 40 } })]), "app-0");
        assert.equal(size.action, "update");
    });

    it("userData replaces only while userDataReplaceOnChange is true", () => {
        const replaced = only(doc([root, server()]), doc([root, server({ userData: "#cloud-config v2" })]), "app-0");
        assert.deepEqual([replaced.action, replaced.replacedBecause], ["replace", ["userData"]]);
        assert.match(replaced.why, /userDataReplaceOnChange: true/);
        const updated = only(doc([root, server({ userDataReplaceOnChange: false })]), doc([root, server({ userData: "#cloud-config v2", userDataReplaceOnChange: false })]), "app-0");
        assert.equal(updated.action, "update");
    });

    it("Pulumi's replaceOnChanges option replaces on inputs the provider would update, even for a type not in the table", () => {
        const role = (tags: Record<string, string>, replaceOnChanges?: string[]): Resource => ({
            ...custom("aws:iam/role:Role", "r", { assumeRolePolicy: "{}", tags }),
            ...(replaceOnChanges ? { options: { replaceOnChanges } } : {}),
        });
        assert.equal(only(doc([root, role({ a: "1" })]), doc([root, role({ a: "2" })]), "r").action, "update");
        const forced = only(doc([root, role({ a: "1" }, ["tags"])]), doc([root, role({ a: "2" }, ["tags"])]), "r");
        assert.deepEqual([forced.action, forced.replacedBecause], ["replace", ["tags.a"]]);
        assert.match(forced.why, /replaceOnChanges: tags/);
        const any = (v: string): Resource => ({ ...custom("aws:s3/bucketV2:BucketV2", "b", { bucket: v }), options: { replaceOnChanges: ["*"] } });
        assert.equal(only(doc([root, any("a")]), doc([root, any("b")]), "b").action, "replace");
    });

    it("the program's ignoreChanges leaves an input as it is: the server's ami (ignoreChanges: [\"ami\"]) is same, not replace", () => {
        const ignoring = (inputs: Record<string, unknown>): Resource => ({ ...server(inputs), options: { ignoreChanges: ["ami"] } });
        const c = only(doc([root, ignoring({})]), doc([root, ignoring({ ami: "ami-2" })]), "app-0");
        assert.equal(c.action, "same");
        assert.match(c.why, /ignored .*ami/);
        assert.equal(only(doc([root, ignoring({})]), doc([root, ignoring({ ami: "ami-2", instanceType: "t3.small" })]), "app-0").action, "update");
    });

    it("unknown: a type not in the table is not guessed", () => {
        const type = "aws:s3/bucketV2:BucketV2";
        assert.equal(REPLACE_TRIGGERS[type], undefined);
        const c = only(doc([root, custom(type, "rt", { bucket: "a" })]), doc([root, custom(type, "rt", { bucket: "b" })]), "rt");
        assert.equal(c.action, "unknown");
        assert.match(c.why, /^unknown: cannot tell update from replace/);
    });

    it("secrets are [secret] on both sides and compare as the same", () => {
        const param = (value: string) => custom("aws:ssm/parameter:Parameter", "p", { name: "/x", type: "SecureString", value });
        assert.equal(only(doc([root, param("[secret]")]), doc([root, param("[secret]")]), "p").action, "same");
    });

    it("identity is type + name + parent chain: the same name under another component is a different resource", () => {
        const other = component("webstack:servers:Server", "other", "web");
        const before = doc([root, other, custom("aws:iam/role:Role", "r", { assumeRolePolicy: "{}" }, "web")]);
        const after = doc([root, other, custom("aws:iam/role:Role", "r", { assumeRolePolicy: "{}" }, "other")]);
        const actions = comparePlans(before, after)
            .changes.filter((c) => c.name === "r")
            .map((c) => c.action)
            .sort();
        assert.deepEqual(actions, ["create", "delete"]);
    });

    it("a replacement reaches the inputs that hold the replaced resource's id", () => {
        // The offline mocks give a VPC named "vpc" the id below; the subnet's vpcId holds it.
        const vpcId = "vpc-" + createHash("sha256").update("aws:ec2/vpc:Vpc/vpc").digest("hex").slice(0, 17);
        const vpc = (cidrBlock: string) => custom("aws:ec2/vpc:Vpc", "vpc", { cidrBlock });
        const subnet = custom("aws:ec2/subnet:Subnet", "s", { cidrBlock: "10.0.0.0/24", vpcId });
        const c = comparePlans(doc([root, vpc("10.0.0.0/16"), subnet]), doc([root, vpc("10.1.0.0/16"), subnet]));
        const s = c.changes.find((x) => x.name === "s")!;
        assert.deepEqual([s.action, s.replacedBecause], ["replace", ["vpcId"]]);
        assert.match(s.why, /after the replacement of vpc/);
    });
});

describe("plan compare: the replace-trigger table", function () {
    // Two in-process plans: ~5 s alone, more on a loaded machine (it timed out at 20 s beside tsc).
    this.timeout(120000);
    it("covers every custom resource type dev and prod plan, each with a citation", async () => {
        const { planStack } = await import("../../plan/planStack");
        for (const stack of ["dev", "prod"]) {
            const { document } = await planStack(stack);
            const types = new Set(document.resources.filter((r) => r.custom).map((r) => r.type));
            for (const type of types) {
                assert.ok(REPLACE_TRIGGERS[type], `${stack}: ${type} is not in plan/replaceTriggers.ts`);
                assert.match(REPLACE_TRIGGERS[type].source, /^[\w-]+\/terraform-provider-[a-z]+ .*(internal|datadog)\/\S+\.go/);
            }
        }
    });
});

describe("plan compare: the type tokens' rename (issue 11) against a plan from before it", function () {
    this.timeout(120000);
    it("a plan with webstack:index:WebStack and webstack:tls:Certificates compares as all same: the aliases carry every resource over", async () => {
        const { planStack } = await import("../../plan/planStack");
        for (const stack of ["dev", "prod"]) {
            const { document } = await planStack(stack);
            const oldTokens: Record<string, string> = { "webstack:webstack:WebStack": "webstack:index:WebStack", "webstack:certificates:Certificates": "webstack:tls:Certificates" };
            const before: PlanDocument = { ...document, resources: document.resources.map(({ aliases: _aliases, ...r }) => ({ ...r, type: oldTokens[r.type] ?? r.type })) };
            const c = comparePlans(before, document);
            assert.deepEqual(c.summary, { create: 0, update: 0, replace: 0, delete: 0, same: document.resources.length, unknown: 0 }, stack);
        }
    });
});

describe("plan compare: exit codes", () => {
    const issueStateful = ["aws:ebs/volume:Volume", "aws:rds/instance:Instance", "aws:ec2/eip:Eip", "aws:route53/zone:Zone"];
    it("the stateful list holds the data volume, RDS instance, EIP and Route 53 zone", () => {
        assert.deepEqual([...STATEFUL_TYPES].sort(), [...issueStateful].sort());
    });
    for (const type of issueStateful) {
        it(`1 when ${type} would be deleted`, () => {
            assert.equal(compareExitCode(comparePlans(doc([root, custom(type, "keep", {})]), doc([root]))), 1);
        });
    }
    it("1 when an RDS instance would be replaced (storageEncrypted), 0 when it is updated (instanceClass)", () => {
        const db = (inputs: Record<string, unknown>) => custom("aws:rds/instance:Instance", "db", { instanceClass: "db.t4g.small", storageEncrypted: true, ...inputs });
        const replaced = comparePlans(doc([root, db({})]), doc([root, db({ storageEncrypted: false })]));
        assert.equal(compareExitCode(replaced), 1);
        assert.match(renderComparison(replaced, "prev.json"), /STATEFUL resources replaced or deleted \(exit 1\): aws:rds\/instance:Instance db \(replace\)/);
        assert.equal(compareExitCode(comparePlans(doc([root, db({})]), doc([root, db({ instanceClass: "db.t4g.large" })]))), 0);
    });
    it("1 when the EIP or Route 53 zone would be replaced; 0 for a replaced server", () => {
        assert.equal(compareExitCode(comparePlans(doc([root, custom("aws:ec2/eip:Eip", "ip", { domain: "vpc" })]), doc([root, custom("aws:ec2/eip:Eip", "ip", { domain: "standard" })]))), 1);
        assert.equal(
            compareExitCode(comparePlans(doc([root, custom("aws:route53/zone:Zone", "z", { name: "a.internal" })]), doc([root, custom("aws:route53/zone:Zone", "z", { name: "b.internal" })]))),
            1,
        );
        assert.equal(compareExitCode(comparePlans(doc([root, server()]), doc([root, server({ ami: "ami-2" })]))), 0);
    });
    it("the summary line counts every action", () => {
        const c = comparePlans(doc([root, server(), custom("aws:ec2/eip:Eip", "gone", {})]), doc([root, server({ instanceType: "t3.small" }), custom("aws:iam/role:Role", "new", {})]));
        assert.equal(summaryLine(c), "compare: 1 create, 1 update, 0 replace, 1 delete, 1 same");
    });
});

describe("plan compare: PREVIOUS.json problems are usage errors (exit 2)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-compare-"));
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };
    it("missing, not JSON, not a plan, or another stack: one clear line each", () => {
        assert.throws(() => loadPreviousPlan(path.join(dir, "absent.json"), "dev"), /--compare .*absent\.json: cannot read it \(ENOENT\)/);
        assert.throws(() => loadPreviousPlan(write("bad.json", "{"), "dev"), /not JSON/);
        assert.throws(() => loadPreviousPlan(write("other.json", '{"a":1}'), "dev"), /not a plan document/);
        assert.throws(() => loadPreviousPlan(write("prod.json", JSON.stringify(doc([], "prod"))), "dev"), /it is a plan of stack prod, not dev/);
    });
});

const CLI = path.resolve(__dirname, "../../plan/cli.ts");
const TS_NODE = path.resolve(__dirname, "../../node_modules/ts-node/dist/bin.js");
function plan(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [TS_NODE, "-T", CLI, ...args], { encoding: "utf8", cwd: path.resolve(__dirname, "../..") });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("plan compare: end to end through the real CLI (dev)", function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-compare-e2e-"));
    const previous = path.join(dir, "dev.json");
    type Change = { name: string; type: string; action: string; replacedBecause: string[] };
    let instances: string[] = [];

    before(() => {
        const r = plan(["--stack", "dev", "--json"]);
        assert.equal(r.status, 0, r.stderr);
        fs.writeFileSync(previous, r.stdout);
        const servers = (JSON.parse(r.stdout) as PlanDocument).resources.filter((x) => x.type === INSTANCE);
        instances = servers.map((x) => x.name);
        assert.ok(instances.length >= 3);
        // The plan records the lifecycle options the compare needs: the servers ignore ami changes.
        for (const s of servers) {
            assert.ok(s.options?.ignoreChanges?.includes("ami"), `${s.name} options: ${JSON.stringify(s.options)}`);
        }
    });

    const compare = (...set: string[]) => {
        const r = plan(["--stack", "dev", "--compare", previous, "--json", ...set.flatMap((s) => ["--set", s])]);
        return { ...r, comparison: r.status === 0 || r.status === 1 ? (JSON.parse(r.stdout) as { changes: Change[]; summary: Record<string, number> }) : undefined };
    };

    it("the unchanged config is all same, exit 0", () => {
        const r = compare();
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.comparison!.changes.filter((c) => c.action !== "same").length, 0);
    });

    it("appServerCount 2 -> 3 creates app-2's resources", () => {
        const r = compare("webstack:appServerCount=3");
        assert.equal(r.status, 0, r.stderr);
        const created = r.comparison!.changes.filter((c) => c.action === "create").map((c) => `${c.type} ${c.name}`);
        assert.ok(created.includes(`${INSTANCE} webstack-app-2`), created.join("\n"));
        assert.ok(created.includes("aws:route53/record:Record webstack-app-2-dns"));
    });

    it("a monitoring threshold stays in Datadog: one monitor updated in place, no server touched", () => {
        const r = compare('webstack:monitoring={"tags":["team:web"],"qpsSpikeThreshold":900}');
        assert.equal(r.status, 0, r.stderr);
        const changed = r.comparison!.changes.filter((c) => c.action !== "same").map((c) => `${c.action} ${c.type} ${c.name}`);
        assert.deepEqual(changed, ["update datadog:index/monitor:Monitor webstack-monitoring-web-qps-spike"]);
    });

    // Day 2: routine changes reach the servers as new bundle versions; no existing instance's
    // replace-triggering input (user data included) changes, so none is replaced.
    const routine: [string, string][] = [
        ["a monitoring tag change", 'webstack:monitoring={"tags":["team:ops"]}'],
        ["monitor thresholds", 'webstack:monitoring={"qpsSpikeThreshold":900,"responseTimeMs":800}'],
        ["the backend hop switch", "webstack:backendHop=tls"],
        ["a scale-out", "webstack:appServerCount=3"],
    ];
    for (const [what, set] of routine) {
        it(`${what} updates bundles in place and replaces no server`, () => {
            const r = compare(set);
            assert.equal(r.status, 0, r.stderr);
            const changes = r.comparison!.changes;
            for (const name of instances) {
                const instance = changes.find((c) => c.type === INSTANCE && c.name === name);
                assert.equal(instance?.action, "same", `${name}: ${instance?.action} ${JSON.stringify(instance?.replacedBecause)}`);
            }
            const bundles = changes.filter((c) => c.type === "aws:s3/bucketObjectv2:BucketObjectv2" && instances.includes(c.name.replace(/-config$/, "")));
            assert.ok(
                bundles.every((c) => c.action === "update" || c.action === "same"),
                JSON.stringify(bundles.map((c) => [c.name, c.action])),
            );
            assert.ok(
                bundles.some((c) => c.action === "update"),
                "the change reaches at least one server's bundle",
            );
        });
    }

    it("an instance type change: whatever the table says for instanceType (in-place), plus user data", () => {
        assert.ok(!REPLACE_TRIGGERS[INSTANCE].inputs.includes("instanceType"));
        const r = compare("webstack:appInstanceType=t3.small");
        const app0 = r.comparison!.changes.find((c) => c.type === INSTANCE && c.name === "webstack-app-0")!;
        assert.ok(!app0.replacedBecause.includes("instanceType"));
    });

    it("human output: a table and the summary line; a stack mismatch is exit 2 with one line", () => {
        const r = plan(["--stack", "dev", "--compare", previous, "--set", "webstack:appServerCount=3"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^NAME +TYPE +ACTION +WHY$/m);
        assert.match(r.stdout, /^webstack-app-2 +aws:ec2\/instance:Instance +CREATE +new$/m);
        assert.match(r.stdout, /^compare: \d+ create, \d+ update, 0 replace, 0 delete, \d+ same$/m);
        const mismatch = plan(["--stack", "prod", "--compare", previous]);
        assert.equal(mismatch.status, 2);
        assert.match(mismatch.stderr, /^plan: --compare .*dev\.json: it is a plan of stack dev, not prod\n$/);
        const missing = plan(["--stack", "dev", "--compare", path.join(dir, "absent.json")]);
        assert.equal(missing.status, 2);
        assert.match(missing.stderr, /^plan: --compare .*absent\.json: cannot read it \(ENOENT\)\n$/);
    });
});

describe("plan compare: end to end through the real CLI (prod)", function () {
    this.timeout(120000);
    it("moving the database off RDS deletes both RDS instances: stateful, exit 1, named in the output", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-compare-prod-"));
        const previous = path.join(dir, "prod.json");
        const base = plan(["--stack", "prod", "--json"]);
        assert.equal(base.status, 0, base.stderr);
        fs.writeFileSync(previous, base.stdout);
        const r = plan(["--stack", "prod", "--compare", previous, "--set", 'webstack:database={"placement":"dedicated"}']);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /^webstack-db-writer +aws:rds\/instance:Instance +DELETE \(stateful\) +no longer in the program$/m);
        assert.match(r.stdout, /^STATEFUL resources replaced or deleted \(exit 1\): .*webstack-db-writer \(delete\)/m);
    });
});

describe("offline workflow", () => {
    it("is valid YAML and compares the PR's plan with main's for dev and prod", () => {
        const workflow = parse(fs.readFileSync(path.resolve(__dirname, "../../.github/workflows/offline.yml"), "utf8"));
        const steps = workflow.jobs.offline.steps as { name?: string; run?: string; if?: string }[];
        const compare = steps.find((s) => s.name?.startsWith("Plan compare"));
        assert.ok(compare, "a Plan compare step");
        assert.match(compare!.if ?? "", /pull_request/);
        assert.match(compare!.run ?? "", /--compare/);
        assert.match(compare!.run ?? "", /GITHUB_STEP_SUMMARY/);
        assert.match(compare!.run ?? "", /for stack in dev prod/);
    });
});
