import * as assert from "assert";
import { noIdenticalServerRoles as policy } from "../../../policy-pack/policies/no-identical-server-roles";
import { check, instance, resource, userDataFor } from "../fixtures";

describe("no-identical-server-roles", () => {
    it("flags every server carrying web/app and database together when there are two or more", () => {
        const findings = check(policy, [
            instance("lb", userDataFor({ haproxy: "tls" })),
            instance("app-0", userDataFor({ web: true, app: true, db: { role: "primary" } })),
            instance("app-1", userDataFor({ web: true, app: true, db: { role: "replica" } })),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["app-0", "app-1"],
        );
        assert.match(findings[0].message, /webstack:database.placement to "dedicated" or "rds"/);
    });
    it("passes separated tiers (web/app servers + dedicated database servers)", () => {
        assert.deepStrictEqual(
            check(policy, [
                instance("app-0", userDataFor({ web: true, app: true })),
                instance("app-1", userDataFor({ web: true, app: true })),
                instance("db-0", userDataFor({ db: { role: "primary" } })),
                instance("db-1", userDataFor({ db: { role: "replica" } })),
            ]),
            [],
        );
    });
    it("does not flag a single mixed server or servers with unknown user data", () => {
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ app: true, db: { role: "primary" } })), instance("b", undefined)]), []);
    });
    it("names each server's components and the other mixed servers, and counts web-only or app-only servers with a database", () => {
        const findings = check(policy, [
            instance("web-db", userDataFor({ web: true, db: { role: "primary" } })),
            instance("app-db", userDataFor({ app: true, db: { role: "replica" } })),
            instance("all-3", userDataFor({ web: true, app: true, db: { role: "replica" } })),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["web-db", "app-db", "all-3"],
        );
        assert.match(findings[0].message, /^web-db: runs web \(nginx\) \+ database \(MySQL\/MariaDB\) on the same server, like app-db, all-3;/);
        assert.match(findings[1].message, /^app-db: runs app \(webstack-app\) \+ database \(MySQL\/MariaDB\) on the same server, like web-db, all-3;/);
        assert.match(findings[2].message, /^all-3: runs web \(nginx\) \+ app \(webstack-app\) \+ database \(MySQL\/MariaDB\) on the same server, like web-db, app-db;/);
    });
    it("names at most three other mixed servers and counts the rest, so findings do not grow with the stack", () => {
        const mixed = userDataFor({ web: true, app: true, db: { role: "replica" } });
        const findings = check(
            policy,
            Array.from({ length: 40 }, (_, i) => instance(`s${i}`, mixed)),
        );
        assert.strictEqual(findings.length, 40);
        assert.match(findings[0].message, /^s0: runs .* on the same server, like s1, s2, s3 and 36 other servers;/);
        assert.match(findings[39].message, /like s0, s1, s2 and 36 other servers;/);
        const named = findings.map((f) => /like (.*?);/.exec(f.message)![1]);
        assert.ok(
            named.every((n) => /^(s\d+, ){2}s\d+ and 36 other servers$/.test(n)),
            "a finding names more than three other servers",
        );
        const five = check(
            policy,
            Array.from({ length: 5 }, (_, i) => instance(`s${i}`, mixed)),
        );
        assert.match(five[4].message, /like s0, s1, s2 and 1 other server;/);
        const four = check(
            policy,
            Array.from({ length: 4 }, (_, i) => instance(`s${i}`, mixed)),
        );
        assert.match(four[0].message, /like s1, s2, s3;/);
    });
    it("only counts EC2 instances", () => {
        const mixed = userDataFor({ web: true, app: true, db: { role: "primary" } });
        assert.deepStrictEqual(check(policy, [instance("a", mixed), resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { userData: Buffer.from(mixed).toString("base64") })]), []);
    });
});
