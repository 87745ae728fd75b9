import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { parseOverride } from "../../config/overrides";
import { main, parseCliArgs } from "../../plan/cli";
import { loadPolicyConfig } from "../../plan/evaluatePolicies";
import { planStack } from "../../plan/planStack";

const DOCUMENTED = ["no-plaintext-backend-traffic", "no-single-database-writer", "no-identical-server-roles"];
const MANDATORY = loadPolicyConfig("policy-pack/config/prod-mandatory.json");

/** Captures what main() writes to stdout and stderr. */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const write = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
        const code = await main(args);
        return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = write.out;
        process.stderr.write = write.err;
    }
}

describe("offline plan", () => {
    it("dev reports the three documented issues, advisory", async () => {
        const { document } = await planStack("dev");
        const policies = new Set(document.findings.map((f) => f.policy));
        assert.deepEqual([...policies].sort(), [...DOCUMENTED].sort());
        assert.ok(document.findings.every((f) => f.enforcementLevel === "advisory"));
        assert.equal(document.summary.mandatory, 0);
    });

    it("prod reports none of them", async () => {
        const { document } = await planStack("prod", { policyConfig: MANDATORY });
        assert.deepEqual(document.findings, []);
    });

    const weaknesses: [string, string, string][] = [
        ["the plaintext backend hop", "webstack:backendHop=plaintext", "no-plaintext-backend-traffic"],
        ["a dedicated single writer", "webstack:database.placement=dedicated", "no-single-database-writer"],
        ["colocated tiers", "webstack:database.placement=colocated", "no-identical-server-roles"],
    ];
    for (const [what, override, policy] of weaknesses) {
        it(`prod with the mandatory config and ${what} switched back on exits 1`, async () => {
            const args = ["--stack", "prod", "--json", "--policy-config", "policy-pack/config/prod-mandatory.json", "--set", override];
            const { code, stdout } = await runCli(args);
            assert.equal(code, 1);
            const document = JSON.parse(stdout);
            assert.ok(document.findings.some((f: { policy: string; enforcementLevel: string }) => f.policy === policy && f.enforcementLevel === "mandatory"));
        });
    }

    it("--json prints exactly one JSON document in the documented shape, secrets redacted", async () => {
        const { code, stdout } = await runCli(["--stack", "dev", "--json"]);
        assert.equal(code, 0);
        const document = JSON.parse(stdout);
        assert.deepEqual(Object.keys(document), ["stack", "resources", "outputs", "findings", "summary"]);
        assert.equal(document.outputs.databaseAppUser, "webapp");
        assert.equal(document.outputs.databaseAppPasswordParameter, "/webstack/dev/mysql/app-password");
        const password = document.resources.find((r: { type: string }) => r.type === "random:index/randomPassword:RandomPassword");
        assert.ok(password);
        const parameter = document.resources.find((r: { type: string; inputs: { value?: string } }) => r.type === "aws:ssm/parameter:Parameter");
        assert.equal(parameter.inputs.value, "[secret]");
        assert.equal(document.summary.resources, document.resources.length);
        const instance = document.resources.find((r: { type: string; name: string }) => r.type === "aws:ec2/instance:Instance" && r.name === "webstack-lb");
        assert.equal(instance.parent, "webstack-lb");
    });

    it("text output shows the tree, the outputs and the findings grouped by level", async () => {
        const { code, stdout } = await runCli(["--stack", "dev"]);
        assert.equal(code, 0);
        assert.match(stdout, /□ webstack:webstack:WebStack {2}webstack\n\s+□ webstack:network:Network {2}webstack-network/);
        assert.match(stdout, /databaseAppPasswordParameter: "?\/webstack\/dev\/mysql\/app-password/);
        assert.match(stdout, /Advisory findings \(4\):\n {2}\[no-plaintext-backend-traffic\]/);
    });

    it("--mermaid draws servers, firewalls, the plaintext hop and the replication link", async () => {
        const { stdout } = await runCli(["--stack", "dev", "--mermaid"]);
        assert.match(stdout, /^flowchart LR/);
        assert.match(stdout, /subgraph fw_app_0\["firewall: app-0/);
        assert.match(stdout, /lb -. "plaintext HTTP :80" .-> app_0/);
        assert.match(stdout, /app_0 == "GTID replication over TLS" ==> app_1/);
        assert.match(stdout, /Web QPS spike/);
    });

    it("exits 2 with the message on bad usage, an unknown stack or an invalid config", async () => {
        assert.equal((await runCli([])).code, 2);
        assert.match((await runCli(["--stack", "dev", "--json", "--mermaid"])).stderr, /cannot be combined/);
        const unknown = await runCli(["--stack", "staging"]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /unknown stack "staging".*stacks here: dev, prod/);
        const invalid = await runCli(["--stack", "dev", "--set", "webstack:appServerCount=0"]);
        assert.equal(invalid.code, 2);
        assert.match(invalid.stderr, /webstack:appServerCount = 0/);
        assert.equal(invalid.stdout, "");
        assert.match((await runCli(["--stack", "dev", "--set", "nonsense"])).stderr, /expected namespace:key=value/);
    });

    it("exits 2 on an unknown option or a missing value, naming it and the options allowed", async () => {
        const unknown = await runCli(["--stack", "dev", "--backend-hop", "tls"]);
        assert.equal(unknown.code, 2);
        assert.match(
            unknown.stderr,
            /^plan: unknown option --backend-hop; options: --stack <value>, --json, --mermaid, --policy-config <value>, --set <value> \(repeatable\), --compare <value>, --help\n\nusage: /,
        );
        const missing = await runCli(["--stack", "dev", "--set"]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /^plan: --set needs a value: --set <value> \(repeatable\)\n/);
        const stray = await runCli(["--stack", "dev", "prod"]);
        assert.equal(stray.code, 2);
        assert.match(stray.stderr, /^plan: unexpected argument "prod"/);
    });

    it("exits 2 on a --set key the config does not have, naming the keys allowed there", async () => {
        const result = await runCli(["--stack", "dev", "--set", "webstack:database.placment=dedicated"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /^plan: --set webstack:database\.placment: unknown config key webstack:database\.placment; keys of webstack:database: placement, engine, /);
        assert.equal(result.stdout, "");
    });

    it("exits 2 on a --set value the schema refuses, naming the key and the values allowed", async () => {
        const result = await runCli(["--stack", "dev", "--set", "webstack:database.placement=cluster"]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, /^plan: stack dev: invalid stack configuration:\n {2}- webstack:database\.placement = "cluster": Invalid option: expected one of "colocated"\|"dedicated"\|"rds"/);
        assert.equal(result.stdout, "");
        const notAnObject = await runCli(["--stack", "dev", "--set", "aws:region.name=x"]);
        assert.equal(notAnObject.code, 2);
        assert.match(notAnObject.stderr, /^plan: stack dev: --set aws:region\.name: aws:region is us-east-1 in the stack config, not an object/);
    });

    it("a --set into a structured key reaches the planned program and keeps the key's other values", async () => {
        const { document, mermaid } = await planStack("dev", { configOverrides: [parseOverride("webstack:database.placement=dedicated"), parseOverride("webstack:database.dataVolumeGb=30")] });
        const instances = document.resources.filter((r) => r.type === "aws:ec2/instance:Instance").map((r) => r.name);
        assert.deepEqual(instances, ["webstack-lb", "webstack-app-0", "webstack-app-1", "webstack-db-0", "webstack-db-1"]);
        const volumes = document.resources.filter((r) => r.type === "aws:ebs/volume:Volume").map((r) => (r.inputs as { size?: number }).size);
        assert.deepEqual(volumes, [30, 30]);
        // Pulumi.dev.yaml's plaintext hop is untouched.
        assert.match(mermaid, /plaintext HTTP :80/);
    });

    it("writes the whole --json document into a slow pipe, and exits with the plan's status", function () {
        this.timeout(60000);
        // A pipe holds 64 KiB; the prod document is larger. The reader waits before reading,
        // (after the first byte, which arrives when the CLI starts writing), so the CLI must
        // let stdout drain instead of exiting with the rest unwritten.
        const root = path.join(__dirname, "../..");
        const result = spawnSync("/bin/sh", ["-c", `"${process.execPath}" -r ts-node/register/transpile-only plan/cli.ts --stack prod --json | (head -c 1; sleep 2; cat)`], {
            cwd: root,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        assert.equal(result.status, 0, result.stderr);
        assert.ok(result.stdout.length > 64 * 1024, `only ${result.stdout.length} bytes arrived; the test needs a document over 64 KiB`);
        const document = JSON.parse(result.stdout);
        assert.equal(document.stack, "prod");
        assert.equal(document.summary.resources, document.resources.length);
        const direct = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "plan/cli.ts", "--stack", "dev", "--set", "webstack:appServerCount=0"], { cwd: root, encoding: "utf8" });
        assert.equal(direct.status, 2);
        assert.match(direct.stderr, /webstack:appServerCount = 0/);
    });

    it("parses repeated --set options, in order", () => {
        const options = parseCliArgs(["--stack", "dev", "--set", "webstack:backendHop=tls", "--set", "webstack:database.placement=dedicated"]);
        assert.deepEqual(options.overrides, [
            { name: "webstack:backendHop", key: "webstack:backendHop", path: [], value: "tls" },
            { name: "webstack:database.placement", key: "webstack:database", path: ["placement"], value: "dedicated" },
        ]);
    });
});
