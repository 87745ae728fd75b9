import * as assert from "assert";
import { noPublicDatabase as policy } from "../../../policy-pack/policies/no-public-database";
import { check, instance, rdsInstance, userDataFor } from "../fixtures";

describe("no-public-database", () => {
    it("flags a publicly accessible RDS instance", () => {
        assert.deepStrictEqual(check(policy, [rdsInstance("db", { publiclyAccessible: true })]).map(f => f.resource), ["db"]);
        assert.deepStrictEqual(check(policy, [rdsInstance("db"), rdsInstance("unset", { publiclyAccessible: undefined })]), []);
    });
    it("flags an EC2 database server with a public IP, not a public load balancer", () => {
        const findings = check(policy, [
            instance("db", userDataFor({ db: { role: "primary" } }), { associatePublicIpAddress: true }),
            instance("lb", userDataFor({ haproxy: "tls" }), { associatePublicIpAddress: true }),
            instance("private-db", userDataFor({ db: { role: "primary" } })),
            instance("unknown", undefined, { associatePublicIpAddress: true }),
        ]);
        assert.deepStrictEqual(findings.map(f => f.resource), ["db"]);
        assert.match(findings[0].message, /associatePublicIpAddress: false/);
    });
});
