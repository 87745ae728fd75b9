import * as assert from "assert";
import { rdsEncryptionAndBackups as policy } from "../../../policy-pack/policies/rds-encryption-and-backups";
import { check, rdsInstance, resource } from "../fixtures";

describe("rds-encryption-and-backups", () => {
    it("passes encrypted instances with 7 days of backups and replicas inheriting encryption", () => {
        assert.deepStrictEqual(check(policy, [rdsInstance("db"), rdsInstance("replica", { replicateSourceDb: "db", storageEncrypted: undefined, backupRetentionPeriod: 0 })]), []);
    });
    it("flags unencrypted storage and short or default backup retention", () => {
        const findings = check(policy, [
            rdsInstance("plain", { storageEncrypted: false }),
            rdsInstance("short", { backupRetentionPeriod: 1 }),
            rdsInstance("default", { backupRetentionPeriod: undefined }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["plain", "short", "default"],
        );
        assert.match(findings[0].message, /storageEncrypted: true/);
        assert.match(findings[1].message, /`backupRetentionPeriod` to at least 7/);
    });
    it("checks clusters too and honours the configured minimum", () => {
        const cluster = resource("aws:rds/cluster:Cluster", "aurora", { storageEncrypted: true, backupRetentionPeriod: 7 });
        assert.deepStrictEqual(check(policy, [cluster]), []);
        assert.strictEqual(check(policy, [cluster], { "rds-encryption-and-backups": { minBackupRetentionDays: 14 } }).length, 1);
        assert.strictEqual(check(policy, [resource("aws:rds/cluster:Cluster", "c", {})]).length, 2);
    });
});
