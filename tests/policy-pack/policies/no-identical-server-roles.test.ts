import * as assert from "assert";
import { noIdenticalServerRoles as policy } from "../../../policy-pack/policies/no-identical-server-roles";
import { check, instance, userDataFor } from "../fixtures";

describe("no-identical-server-roles", () => {
    it("flags every server carrying web/app and database together when there are two or more", () => {
        const findings = check(policy, [
            instance("lb", userDataFor({ haproxy: "tls" })),
            instance("app-0", userDataFor({ web: true, app: true, db: { role: "primary" } })),
            instance("app-1", userDataFor({ web: true, app: true, db: { role: "replica" } })),
        ]);
        assert.deepStrictEqual(findings.map(f => f.resource), ["app-0", "app-1"]);
        assert.match(findings[0].message, /webstack:database.placement to "dedicated" or "rds"/);
    });
    it("passes separated tiers (web/app servers + dedicated database servers)", () => {
        assert.deepStrictEqual(check(policy, [
            instance("app-0", userDataFor({ web: true, app: true })),
            instance("app-1", userDataFor({ web: true, app: true })),
            instance("db-0", userDataFor({ db: { role: "primary" } })),
            instance("db-1", userDataFor({ db: { role: "replica" } })),
        ]), []);
    });
    it("does not flag a single mixed server or servers with unknown user data", () => {
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ app: true, db: { role: "primary" } })), instance("b", undefined)]), []);
    });
});
