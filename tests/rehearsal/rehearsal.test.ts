import * as assert from "assert";
import { leftovers, line, RehearsalRun, requireRehearsal, runRehearsal } from "./harness";

/**
 * Boots each stack's rendered files in real daemons (see rehearsal/README.md) and asserts
 * every report line. Needs root and Debian's haproxy, nginx, mariadb-server, nftables, wrk.
 */

const COMMON = [
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
        this.timeout(200000);
        let run: RehearsalRun;

        before(async function () {
            this.timeout(200000);
            await requireRehearsal(this);
            run = await runRehearsal(args, 150000);
        });

        it("boots and tears down without error", () => {
            assert.strictEqual(run.report.error, undefined, run.output);
            assert.deepStrictEqual(run.report.teardownProblems, []);
            assert.deepStrictEqual(leftovers(), [], "the rehearsal left something behind");
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
            assert.deepStrictEqual(run.report.checks.filter((c) => c.status === "FAIL"), [], run.output);
            assert.strictEqual(run.exitCode, 0, run.output);
        });

        extra?.(() => run);
    });
}

describeRun(
    "rehearsal: dev (plaintext hop, colocated primary/replica on app-0/app-1)",
    ["--stack", "dev"],
    { pass: [...COMMON, ...SELF_MANAGED_DATABASE], notApplicable: ["backend.rogue-cert-refused"] },
    (get) => {
        it("boots the stack's own config, and reports the plaintext hop as the documented weakness", () => {
            assert.deepEqual(get().report.overrides, []);
            assert.match(line(get(), "backend.hop").detail, /DOCUMENTED WEAKNESS/);
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
            assert.match(get().report.notes.join("\n"), /RDS is not booted/);
            assert.match(line(get(), "lb.spread").detail, /app-0.*app-1.*app-2|app-\d.*app-\d.*app-\d/);
        });
    },
);
