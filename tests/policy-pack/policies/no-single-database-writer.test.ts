import * as assert from "assert";
import { noSingleDatabaseWriter as policy } from "../../../policy-pack/policies/no-single-database-writer";
import { check, instance, rdsInstance, resource, userDataFor } from "../fixtures";

const app = (name: string, role?: "primary" | "replica", engine: "mysql" | "mariadb" = "mysql") => instance(name, userDataFor({ web: true, app: true, ...(role ? { db: { role, engine } } : {}) }));

describe("no-single-database-writer", () => {
    it("flags the only writable self-managed MySQL; the replica is not a second writer", () => {
        const findings = check(policy, [app("app-0", "primary"), app("app-1", "replica")]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["app-0"],
        );
        assert.match(findings[0].message, /app-1 is a read-only replica/);
        assert.match(findings[0].message, /webstack:database.placement to "rds"/);
    });
    it("works for MariaDB replicas with read_only only", () => {
        assert.deepStrictEqual(
            check(policy, [app("a", "primary", "mariadb"), app("b", "replica", "mariadb")]).map((f) => f.resource),
            ["a"],
        );
    });
    it("does not flag two writers (replicated writer set) or no self-managed database", () => {
        assert.deepStrictEqual(check(policy, [app("a", "primary"), app("b", "primary")]), []);
        assert.deepStrictEqual(check(policy, [app("a"), app("b")]), []);
    });
    it("does not guess when another instance's user data is unknown", () => {
        assert.deepStrictEqual(check(policy, [app("a", "primary"), instance("b", undefined)]), []);
    });
    it("flags an RDS instance without Multi-AZ; Multi-AZ or a replica resolves it", () => {
        const findings = check(policy, [rdsInstance("single", { multiAz: false }), rdsInstance("absent", { multiAz: undefined })]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["single", "absent"],
        );
        assert.match(findings[0].message, /`multiAz: true`/);
        assert.deepStrictEqual(check(policy, [rdsInstance("ha"), rdsInstance("replica", { multiAz: false, replicateSourceDb: "ha" })]), []);
    });
    it("flags an Aurora cluster with one instance, passes with two", () => {
        const cluster = resource("aws:rds/cluster:Cluster", "aurora", { clusterIdentifier: "webstack-db", engine: "aurora-mysql" });
        const member = (n: string) => resource("aws:rds/clusterInstance:ClusterInstance", n, { clusterIdentifier: "webstack-db", instanceClass: "db.r6g.large" });
        assert.deepStrictEqual(
            check(policy, [cluster, member("i0")]).map((f) => f.resource),
            ["aurora"],
        );
        assert.deepStrictEqual(
            check(policy, [cluster]).map((f) => f.resource),
            ["aurora"],
        );
        assert.deepStrictEqual(check(policy, [cluster, member("i0"), member("i1")]), []);
        const byId = resource("aws:rds/cluster:Cluster", "aurora", {}, { id: "webstack-db" });
        assert.deepStrictEqual(check(policy, [byId, member("i0"), member("i1")]), []);
        assert.deepStrictEqual(check(policy, [resource("aws:rds/cluster:Cluster", "unknown", {})]), []);
    });
    it("names the replicas in the writer's finding, one or several", () => {
        const [one] = check(policy, [app("app-0", "primary"), app("app-1", "replica")]);
        assert.strictEqual(
            one.message,
            "app-0: the only writable MySQL/MariaDB server in the stack (no read_only in /etc/mysql/**/*.cnf); app-1 is a read-only replica and cannot take writes. " +
                'If it fails, writes stop. For the webstack program set webstack:database.placement to "rds", or run a replicated writer set (group replication / Galera) on at least two servers.',
        );
        const [two] = check(policy, [app("app-0", "primary"), app("app-1", "replica"), app("app-2", "replica"), app("web")]);
        assert.match(two.message, /\(no read_only in \/etc\/mysql\/\*\*\/\*\.cnf\); app-1, app-2 are read-only replicas and cannot take writes\. If it fails/);
        const [alone] = check(policy, [app("app-0", "primary"), app("web")]);
        assert.match(alone.message, /\*\.cnf\)\. If it fails, writes stop\./);
    });
    it("says whether multiAz is unset or false on an RDS instance", () => {
        const [single, absent] = check(policy, [rdsInstance("single", { multiAz: false }), rdsInstance("absent", { multiAz: undefined })]);
        assert.strictEqual(
            single.message,
            'single: RDS instance is a single writer without a standby (multiAz is false). For the webstack program set webstack:database.placement to "rds" (the program enables Multi-AZ); for other stacks set `multiAz: true` on the aws.rds.Instance.',
        );
        assert.match(absent.message, /^absent: .*\(multiAz is not set\)\./);
    });
    it("leaves Multi-AZ DB clusters and serverless v1 alone; counts only the cluster's own instances", () => {
        const cluster = (name: string, inputs: Record<string, unknown>) => resource("aws:rds/cluster:Cluster", name, { clusterIdentifier: name, engine: "mysql", ...inputs });
        assert.deepStrictEqual(check(policy, [cluster("multi-az", { dbClusterInstanceClass: "db.r6gd.large" }), cluster("serverless", { engineMode: "serverless" })]), []);
        const member = (n: string, of: string) => resource("aws:rds/clusterInstance:ClusterInstance", n, { clusterIdentifier: of, instanceClass: "db.r6g.large" });
        const findings = check(policy, [cluster("a", { engineMode: "provisioned" }), member("a-0", "a"), member("b-0", "b"), member("b-1", "b")]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["a"],
        );
        assert.strictEqual(
            findings[0].message,
            'a: RDS cluster has 1 cluster instance(s), so there is no standby to fail over to. For the webstack program set webstack:database.placement to "rds"; for other stacks add a second aws.rds.ClusterInstance with `clusterIdentifier` set to this cluster.',
        );
    });
});
