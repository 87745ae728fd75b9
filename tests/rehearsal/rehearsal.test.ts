import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { leftovers, line, RehearsalRun, requireRehearsal, runRehearsal } from "./harness";

/**
 * Boots each stack's servers as systemd-nspawn containers from their own user data (see
 * rehearsal/README.md) and asserts every report line and a clean teardown. Needs root,
 * systemd-container, debootstrap, apt-cacher-ng and Debian's registry.
 */

/** A cold image cache and cold apt cache take longest: debootstrap + every package download. */
const RUN_TIMEOUT_MS = 20 * 60 * 1000;

const COMMON = [
    "boot.cloud-init",
    "boot.units",
    "secrets.least-privilege",
    "config.haproxy",
    "config.nginx",
    "frontend.https-verified",
    "frontend.legacy-tls-refused",
    "frontend.http-redirect",
    "frontend.hsts",
    "lb.spread",
    "backend.hop",
    "firewall.client-sees-only-lb",
    "firewall.backend-only-from-lb",
    "firewall.ssh-nowhere",
    "firewall.host-layer-alone",
    "monitoring.prometheus",
    "fault.app-server-down",
    "fault.server-reboot",
];
const SELF_MANAGED_DATABASE = [
    "db.replication",
    "db.replica-read-only",
    "db.replication-tls",
    "db.plaintext-refused",
    "app.database",
    "firewall.db-only-from-app",
    "fault.replica-restart",
    "fault.primary-down",
];

function describeRun(title: string, args: string[], expected: { pass: string[]; notApplicable: string[] }, extra?: (get: () => RehearsalRun) => void) {
    describe(title, function () {
        this.timeout(RUN_TIMEOUT_MS + 60000);
        let run: RehearsalRun;

        before(async function () {
            this.timeout(RUN_TIMEOUT_MS + 60000);
            await requireRehearsal(this);
            run = await runRehearsal(args, RUN_TIMEOUT_MS);
        });

        it("boots and tears down without error: every container powered off by SIGRTMIN+4, nothing left", () => {
            assert.strictEqual(run.report.error, undefined, run.output);
            assert.deepStrictEqual(run.report.teardownProblems, []);
            const stopped = run.report.containersStopped ?? {};
            assert.ok(Object.keys(stopped).length >= 3, `containers stopped: ${JSON.stringify(stopped)}`);
            assert.deepStrictEqual(
                Object.values(stopped).filter((how) => how !== "powered off"),
                [],
                JSON.stringify(stopped),
            );
            assert.deepStrictEqual(leftovers(), [], "the rehearsal left something behind");
        });

        it("boots Debian 13 from the stack's own config, and says what is not rehearsed", () => {
            assert.match(run.report.os ?? "", /^Debian GNU\/Linux 13 \(trixie\)$/);
            assert.deepStrictEqual(run.report.overrides, [], "nothing in the stack config is overridden");
            assert.match(run.output, /^overrides: none$/m);
            const notRehearsed = run.report.notes.find((n) => n.startsWith("not rehearsed:")) ?? "";
            assert.match(notRehearsed, /AWS networking/);
            assert.match(notRehearsed, /Datadog service/);
            // SSM, cloud-init and systemd are booted now: only AWS networking, RDS and Datadog's service are not.
            assert.doesNotMatch(notRehearsed, /\bSSM\b|cloud-init\/systemd|secrets written in place/);
            for (const phase of ["cloud-init (the user data: packages, files, boot commands)", "checks", "faults", "teardown"]) {
                assert.ok(run.report.timings[phase] > 0, `timing for ${phase}: ${JSON.stringify(run.report.timings)}`);
            }
            assert.match(line(run, "boot.cloud-init").detail, /done in \d+ s/);
        });

        for (const id of expected.pass) {
            it(`PASS ${id}`, () => {
                const check = line(run, id);
                assert.strictEqual(check.status, "PASS", `${id}: ${check.detail}`);
            });
        }
        for (const id of expected.notApplicable) {
            it(`N/A ${id}`, () => {
                const check = line(run, id);
                assert.strictEqual(check.status, "N/A", `${id}: ${check.detail}`);
            });
        }

        it("exits 0 and reports no FAIL line", () => {
            assert.deepStrictEqual(
                run.report.checks.filter((c) => c.status === "FAIL"),
                [],
                run.output,
            );
            assert.strictEqual(run.exitCode, 0, run.output);
        });

        extra?.(() => run);
    });
}

/** The day-2 drill's changes, delivered to the running dev stack before the fault drills. */
const DAY2 = ["change.certificate-renewal", "change.scale-out", "change.backend-hop"];

describeRun(
    "rehearsal: dev (plaintext hop, colocated primary/replica on app-0/app-1) and the day-2 drill",
    ["--stack", "dev", "--drill", "day2"],
    { pass: [...COMMON, ...SELF_MANAGED_DATABASE, ...DAY2], notApplicable: ["backend.rogue-cert-refused"] },
    (get) => {
        it("day 2: every change under load with no failed request and no lost row, and shows what changed", () => {
            for (const id of DAY2) {
                const { detail } = line(get(), id);
                assert.match(detail, /^(?:plaintext → tls in three ups: )?[1-9]\d* requests, 0 failed; rows: [1-9]\d* written, 0 lost, replica has (\d+)\/\1 /, `${id}: ${detail}`);
            }
            const renewal = line(get(), "change.certificate-renewal").detail;
            assert.match(renewal, /frontend serial (\w+) → (?!\1)\w+ \(client sees the new certificate: yes\)/, renewal);
            assert.match(renewal, /app-0 MariaDB serial (\w+) → (?!\1)\w+ \(FLUSH SSL took it\)/, renewal);
            assert.match(
                line(get(), "change.scale-out").detail,
                /app-2 \(10\.\d+\.\d+\.\d+\) booted \d+ s after the change, UP in HAProxy \d+ s after it, served [1-9]\d* of the next \d+ requests; its app reaches the databases: writer and reader/,
            );
            const hop = line(get(), "change.backend-hop").detail;
            assert.match(hop, /HAProxy dials tls verified on every server line: yes/, hop);
            assert.match(hop, /stages: serve-both: .*, 0 failed; dial-new: .*, 0 failed; done: .*, 0 failed$/, hop);
            assert.ok(get().report.timings.drill > 0, JSON.stringify(get().report.timings));
        });
        it("boots the stack's own config, shows the plaintext hop as the documented weakness and the app reading its own password", () => {
            assert.deepEqual(get().report.overrides, []);
            assert.match(line(get(), "backend.hop").detail, /DOCUMENTED WEAKNESS/);
            assert.match(line(get(), "app.database").detail, /app-0: writer .* rw, reader .* ro; app-1: writer .* rw, reader .* ro/);
        });
    },
);

describeRun(
    "rehearsal: prod (tls hop, RDS not booted, 3 app servers)",
    ["--stack", "prod"],
    {
        pass: [...COMMON, "backend.rogue-cert-refused"],
        notApplicable: SELF_MANAGED_DATABASE,
    },
    (get) => {
        it("says RDS is not booted", () => {
            assert.match(get().report.notes.join("\n"), /not rehearsed:.*Amazon RDS/);
            assert.match(line(get(), "lb.spread").detail, /app-0.*app-1.*app-2|app-\d.*app-\d.*app-\d/);
        });
    },
);

describe("rehearsal: Ctrl-C during the boot tears everything down", function () {
    this.timeout(RUN_TIMEOUT_MS);

    before(async function () {
        await requireRehearsal(this);
    });

    it("SIGINT while cloud-init runs: exit 130, no container, namespace, mount or run directory left", async () => {
        const cwd = path.resolve(__dirname, "..", "..");
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "rehearsal/cli.ts", "--stack", "dev"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        let interrupted = false;
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => {
            output += d.toString();
            // Interrupt once every container runs its user data.
            if (!interrupted && output.includes("boot: cloud-init (")) {
                interrupted = true;
                setTimeout(() => child.kill("SIGINT"), 3000);
            }
        });
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        assert.ok(interrupted, `never reached cloud-init:\n${output}`);
        assert.strictEqual(code, 130, output);
        assert.doesNotMatch(output, /teardown problem/, output);
        assert.deepStrictEqual(leftovers(), [], "Ctrl-C left something behind");
    });
});
