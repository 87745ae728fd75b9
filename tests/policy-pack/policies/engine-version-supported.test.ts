import * as assert from "assert";
import { majorVersion, standardSupportEnd } from "../../../policy-pack/lib/engineSupport";
import { engineVersionSupported as policy } from "../../../policy-pack/policies/engine-version-supported";
import { validatePolicyConfig } from "../../../plan/evaluatePolicies";
import { check, rdsInstance, resource } from "../fixtures";

const asOf = (date: string) => ({ "engine-version-supported": { asOf: date } });

describe("engine-version-supported", () => {
    it("flags MySQL 8.0 after 2026-07-31 and passes its correct twin, 8.4", () => {
        const findings = check(policy, [rdsInstance("old", { engine: "mysql", engineVersion: "8.0.35" })], asOf("2026-11-22"));
        assert.strictEqual(findings.length, 1);
        assert.match(findings[0].message, /old: mysql 8\.0\.35 left RDS standard support on 2026-07-31; .*Set `engineVersion` to a supported major version/);
        assert.deepStrictEqual(check(policy, [rdsInstance("new", { engine: "mysql", engineVersion: "8.4" })], asOf("2026-11-22")), []);
    });

    it("warns ahead of the date, and not before the window", () => {
        const mysql80 = rdsInstance("soon", { engine: "mysql", engineVersion: "8.0" });
        assert.match(check(policy, [mysql80], asOf("2026-06-01"))[0].message, /leaves RDS standard support on 2026-07-31, in 61 days/);
        assert.deepStrictEqual(check(policy, [mysql80], asOf("2026-01-01")), []);
        assert.strictEqual(check(policy, [mysql80], asOf("2026-07-31")).length, 1, "the last day still warns");
    });

    it("reads Aurora and PostgreSQL version strings to their major version", () => {
        assert.strictEqual(majorVersion("aurora-mysql", "5.7.mysql_aurora.2.11.2"), "5.7");
        assert.strictEqual(majorVersion("postgres", "13.4"), "13");
        assert.strictEqual(majorVersion("mysql", "8.0"), "8.0");
        assert.strictEqual(standardSupportEnd("postgres", "16.1"), undefined);
        const cluster = resource("aws:rds/cluster:Cluster", "aurora", { engine: "aurora-mysql", engineVersion: "5.7.mysql_aurora.2.11.2" });
        assert.match(check(policy, [cluster], asOf("2026-11-22"))[0].message, /aurora-mysql 5\.7\.mysql_aurora\.2\.11\.2 left RDS standard support on 2024-10-31/);
    });

    it("does not judge a replica (it inherits its engine) or an engine left to AWS's default", () => {
        assert.deepStrictEqual(check(policy, [rdsInstance("replica", { engine: undefined, engineVersion: undefined, replicateSourceDb: "writer" })], asOf("2026-11-22")), []);
        assert.deepStrictEqual(check(policy, [rdsInstance("default", { engine: "mysql", engineVersion: undefined })], asOf("2026-11-22")), []);
    });
    it("knows when each listed engine left standard support, from versions as they are written", () => {
        // AWS's published dates (lib/engineSupport.ts names the sources): the day after, each is flagged.
        const ended: [string, string, string][] = [
            ["mysql", "5.7.44", "2024-02-29"],
            ["mysql", "8.0.35", "2026-07-31"],
            ["postgres", "11.22", "2024-02-29"],
            ["postgres", "12.19", "2025-02-28"],
            ["postgres", "13.15", "2026-02-28"],
            ["aurora-mysql", "5.7.mysql_aurora.2.11.2", "2024-10-31"],
            ["aurora-postgresql", "11.9", "2024-02-29"],
            ["aurora-postgresql", "12.22", "2025-02-28"],
            ["aurora-postgresql", "13.4", "2026-02-28"],
        ];
        for (const [engine, engineVersion, ends] of ended) {
            const dayAfter = new Date(Date.parse(`${ends}T00:00:00Z`) + 24 * 3600 * 1000).toISOString().slice(0, 10);
            const findings = check(policy, [rdsInstance("db", { engine, engineVersion })], asOf(dayAfter));
            assert.strictEqual(findings.length, 1, `${engine} ${engineVersion}`);
            assert.match(findings[0].message, new RegExp(`left RDS standard support on ${ends};`), `${engine} ${engineVersion}`);
        }
    });

    it("judges RDS instances and clusters only", () => {
        const lookalike = resource("aws:rds/clusterInstance:ClusterInstance", "member", { engine: "aurora-mysql", engineVersion: "5.7.mysql_aurora.2.11.2" });
        assert.deepStrictEqual(check(policy, [lookalike], asOf("2026-11-22")), []);
    });

    it("asOf must be a YYYY-MM-DD date; warnDaysBefore a whole number of days, 0 or more", () => {
        for (const settings of [{ asOf: "2026/11/22" }, { asOf: 20261122 }, { warnDaysBefore: -1 }, { warnDaysBefore: 1.5 }]) {
            assert.throws(() => validatePolicyConfig({ "engine-version-supported": settings }), /engine-version-supported/, JSON.stringify(settings));
        }
        assert.doesNotThrow(() => validatePolicyConfig({ "engine-version-supported": { asOf: "2026-11-22", warnDaysBefore: 0 } }));
    });
});
