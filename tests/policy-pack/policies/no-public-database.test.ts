import * as assert from "assert";
import { noPublicDatabase as policy } from "../../../policy-pack/policies/no-public-database";
import { check, instance, rdsInstance, resource, securityGroup, userDataFor } from "../fixtures";

describe("no-public-database", () => {
    it("flags a publicly accessible RDS instance", () => {
        assert.deepStrictEqual(
            check(policy, [rdsInstance("db", { publiclyAccessible: true })]).map((f) => f.resource),
            ["db"],
        );
        assert.deepStrictEqual(check(policy, [rdsInstance("db"), rdsInstance("unset", { publiclyAccessible: undefined })]), []);
    });
    it("flags an EC2 database server with a public IP, not a public load balancer", () => {
        const findings = check(policy, [
            instance("db", userDataFor({ db: { role: "primary" } }), { associatePublicIpAddress: true }),
            instance("lb", userDataFor({ haproxy: "tls" }), { associatePublicIpAddress: true }),
            instance("private-db", userDataFor({ db: { role: "primary" } })),
            instance("unknown", undefined, { associatePublicIpAddress: true }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["db"],
        );
        assert.match(findings[0].message, /associatePublicIpAddress: false/);
    });
    it("names the RDS instance and the fix; only RDS instances are judged by publiclyAccessible", () => {
        const [finding] = check(policy, [rdsInstance("db", { publiclyAccessible: true })]);
        assert.match(finding.message, /^db: RDS instance is publicly accessible\. Set `publiclyAccessible: false`/);
        // Launch templates say "true" as a string; the reader takes it for RDS too.
        assert.deepStrictEqual(
            check(policy, [rdsInstance("db", { publiclyAccessible: "true" }), rdsInstance("off", { publiclyAccessible: false })]).map((f) => f.resource),
            ["db"],
        );
        // Another type with the same property name is not a database.
        const other = resource("aws:rds/clusterInstance:ClusterInstance", "cluster-1", { publiclyAccessible: true, engine: "aurora-mysql" });
        assert.deepStrictEqual(check(policy, [other, { ...securityGroup("sg", []), inputs: { publiclyAccessible: true } }]), []);
    });
    it("flags a launch template whose database servers get a public address from any network interface", () => {
        const dbUserData = Buffer.from(userDataFor({ db: { role: "primary" } })).toString("base64");
        const webUserData = Buffer.from(userDataFor({ haproxy: "tls" })).toString("base64");
        const template = (name: string, userData: string, networkInterfaces?: unknown) =>
            resource("aws:ec2/launchTemplate:LaunchTemplate", name, { imageId: "ami-0123456789abcdef0", userData, ...(networkInterfaces === undefined ? {} : { networkInterfaces }) });
        const findings = check(policy, [
            template("db-public", dbUserData, [{ deviceIndex: 0 }, { deviceIndex: 1, associatePublicIpAddress: "true" }]),
            template("db-public-bool", dbUserData, [{ associatePublicIpAddress: true }]),
            template("db-private", dbUserData, [{ associatePublicIpAddress: "false" }, null, "eni-0123"]),
            template("db-no-interfaces", dbUserData),
            template("db-unknown-interfaces", dbUserData, "unknown"),
            template("web-public", webUserData, [{ associatePublicIpAddress: true }]),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["db-public", "db-public-bool"],
        );
        assert.match(findings[0].message, /^db-public: runs MySQL\/MariaDB \(from its user data\) and gets a public IP address\. Set `associatePublicIpAddress: false`/);
    });
    it("judges an instance by its own associatePublicIpAddress, not by interfaces, and other server types not at all", () => {
        const db = userDataFor({ db: { role: "primary" } });
        const findings = check(policy, [
            instance("by-interface", db, { associatePublicIpAddress: undefined, networkInterfaces: [{ associatePublicIpAddress: true }] }),
            instance("string-true", db, { associatePublicIpAddress: "true" }),
            resource("aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { imageId: "ami-0123456789abcdef0", userData: db, associatePublicIpAddress: true }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["string-true"],
        );
    });
});
