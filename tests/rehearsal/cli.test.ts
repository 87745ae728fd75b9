import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../../cli/commandLine";
import { parseRehearsalArgs, rehearse, StackConfigError } from "../../rehearsal/cli";
import { NS_PREFIX } from "../../rehearsal/namespaces";
import { planRehearsal } from "../../rehearsal/plan";
import { LOCK_FILE as LOCK } from "../../rehearsal/stack";

// The rehearsal's command line only: nothing here boots a container. Every spawned run below
// stops at a usage error (exit 2), before the prerequisites are even looked at.
const ROOT = path.join(__dirname, "../..");

function refused(argv: string[]): UsageError {
    try {
        parseRehearsalArgs(argv);
    } catch (error) {
        assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
        return error;
    }
    assert.fail(`${argv.join(" ")} was accepted`);
}

describe("rehearsal command line", () => {
    it("reads every option, --set in order", () => {
        const options = parseRehearsalArgs([
            "--stack",
            "dev",
            "--set",
            "webstack:backendHop=tls",
            "--set",
            "webstack:database.placement=dedicated",
            "--no-faults",
            "--bench",
            "--drill",
            "day2",
            "--json",
            "/tmp/r.json",
            "--hold",
            "30",
        ]);
        assert.deepEqual(options, {
            stack: "dev",
            overrides: [
                { name: "webstack:backendHop", key: "webstack:backendHop", path: [], value: "tls" },
                { name: "webstack:database.placement", key: "webstack:database", path: ["placement"], value: "dedicated" },
            ],
            checks: true,
            faults: false,
            bench: true,
            drill: "day2",
            json: "/tmp/r.json",
            holdSeconds: 30,
        });
        const plain = parseRehearsalArgs(["--stack", "prod"]);
        assert.deepEqual([plain.overrides, plain.checks, plain.faults, plain.bench, plain.drill, plain.holdSeconds], [[], true, true, false, undefined, undefined]);
    });

    it("refuses an unknown option, naming it and the options allowed: the old --backend-hop and --placement are gone", () => {
        for (const old of [
            ["--backend-hop", "tls"],
            ["--placement", "dedicated"],
        ]) {
            const error = refused(["--stack", "dev", ...old]);
            assert.match(
                error.message,
                new RegExp(
                    `^unknown option ${old[0]}; options: --stack <value>, --set <value> \\(repeatable\\), --no-checks, --no-faults, --drill <value>, --bench, --json <value>, --hold <value>, --help$`,
                ),
            );
        }
    });

    it("refuses a missing value, a missing --stack and values outside what an option takes", () => {
        assert.equal(refused(["--stack"]).message, "--stack needs a value: --stack <value>");
        assert.equal(refused(["--stack", "dev", "--set"]).message, "--set needs a value: --set <value> (repeatable)");
        assert.equal(refused(["--no-faults"]).message, "--stack is required");
        assert.equal(refused(["--stack", "dev", "--hold", "900"]).message, '--hold must be a whole number from 0 to 600, not "900"');
        assert.equal(refused(["--stack", "dev", "--drill", "day3"]).message, '--drill must be day2, not "day3"');
        assert.equal(refused(["--stack", "dev", "--help"]).message, "", "--help: the usage text, exit 0");
    });

    it("refuses a --set key the config does not have, naming the keys allowed there", () => {
        const error = refused(["--stack", "dev", "--set", "webstack:database.placment=dedicated"]);
        assert.ok(!(error instanceof StackConfigError), "a usage error, printed with the usage text");
        assert.match(error.message, /^--set webstack:database\.placment: unknown config key webstack:database\.placment; keys of webstack:database: placement, engine, /);
        assert.match(refused(["--stack", "dev", "--set", "backendHop=tls"]).message, /expected namespace:key=value/);
    });

    it("refuses a --set value the program's schema refuses, naming the key and the values allowed, before anything boots", () => {
        const error = refused(["--stack", "dev", "--set", "webstack:backendHop=udp"]);
        assert.ok(error instanceof StackConfigError);
        assert.equal(error.message, 'stack dev: invalid stack configuration:\n  - webstack:backendHop = "udp": Invalid option: expected one of "plaintext"|"tls"');
        assert.match(refused(["--stack", "staging"]).message, /^stack staging: unknown stack "staging"/);
    });

    it("keeps refusing placement rds, which it cannot boot, but rehearses prod's own rds with other database overrides", () => {
        for (const set of ["webstack:database.placement=rds", 'webstack:database={"placement":"rds"}']) {
            const error = refused(["--stack", "dev", "--set", set]);
            assert.ok(error instanceof StackConfigError);
            assert.equal(
                error.message,
                `stack dev: --set ${set}: the rehearsal cannot boot database placement rds (Amazon RDS is not booted here); from the command line it takes colocated or dedicated`,
            );
        }
        assert.equal(parseRehearsalArgs(["--stack", "prod", "--set", "webstack:database.backupRetentionDays=7"]).overrides.length, 1);
        assert.equal(parseRehearsalArgs(["--stack", "prod", "--set", "webstack:database.placement=dedicated"]).overrides.length, 1);
    });

    it("a good --set reaches the config the rehearsal boots and is listed in the report", async () => {
        const plan = await planRehearsal(parseRehearsalArgs(["--stack", "dev", "--set", "webstack:backendHop=tls", "--set", "webstack:database.placement=dedicated"]));
        assert.equal(plan.config.backendHop, "tls");
        assert.equal(plan.config.database.placement, "dedicated");
        assert.deepEqual(plan.config.monitoring.tags, ["team:web"], "the rest of Pulumi.dev.yaml stays");
        assert.deepEqual(
            plan.topology.databaseServers.map((s) => s.key),
            ["db-0", "db-1"],
        );
        assert.deepEqual(
            plan.instances.map((i) => i.key),
            ["lb", "app-0", "app-1", "db-0", "db-1"],
        );
        assert.deepEqual(plan.overrides, ["webstack:backendHop = tls (--set)", "webstack:database.placement = dedicated (--set)"]);
    });

    it("the CLI exits 2 on bad usage and on a refused override, before it boots anything", function () {
        this.timeout(60000);
        const run = (args: string[]) => spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "rehearsal/cli.ts", ...args], { cwd: ROOT, encoding: "utf8" });
        const old = run(["--stack", "dev", "--backend-hop", "tls"]);
        assert.equal(old.status, 2, old.stderr);
        assert.match(old.stderr, /^rehearsal: unknown option --backend-hop; options: .*--set <value> \(repeatable\)/);
        assert.match(old.stderr, /\n\nusage: npm run rehearse -- --stack <dev\|prod> \[--set KEY=VALUE\]\.\.\./);
        const rds = run(["--stack", "dev", "--set", "webstack:database.placement=rds"]);
        assert.equal(rds.status, 2, rds.stderr);
        assert.equal(
            rds.stderr,
            "rehearsal: stack dev: --set webstack:database.placement=rds: the rehearsal cannot boot database placement rds (Amazon RDS is not booted here); from the command line it takes colocated or dedicated\n",
        );
    });
});

describe("rehearsal: one at a time, and a refused run touches nothing", function () {
    this.timeout(60000);
    // A rehearsal namespace by name, so a teardown that ran anyway would delete it.
    const SENTINEL_NS = `${NS_PREFIX}lock-sentinel`;

    it("a second rehearsal refused the lock says who holds it and leaves the first run's namespaces alone", async function () {
        // Needs root (network namespaces) and no real rehearsal running: never steal a live lock.
        if (process.getuid?.() !== 0 || fs.existsSync(LOCK)) this.skip();
        const holder = spawn("sleep", ["60"], { stdio: "ignore" });
        try {
            fs.writeFileSync(LOCK, String(holder.pid));
            assert.equal(spawnSync("ip", ["netns", "add", SENTINEL_NS]).status, 0, "ip netns add");
            const report = await rehearse(parseRehearsalArgs(["--stack", "dev", "--no-faults"]), () => undefined);
            assert.match(report.error ?? "", new RegExp(`another rehearsal \\(pid ${holder.pid}\\) is running`));
            assert.deepEqual(report.teardownProblems, []);
            assert.equal(report.timings.teardown, undefined, "a refused run must not tear down");
            const namespaces = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
            assert.match(namespaces, new RegExp(`^${SENTINEL_NS}\\b`, "m"), "the holder's namespace was deleted");
            assert.equal(fs.readFileSync(LOCK, "utf8"), String(holder.pid), "the holder's lock was released by the refused run");
        } finally {
            holder.kill("SIGKILL");
            spawnSync("ip", ["netns", "del", SENTINEL_NS]);
            if (fs.existsSync(LOCK) && fs.readFileSync(LOCK, "utf8") === String(holder.pid)) fs.rmSync(LOCK);
        }
    });
});
