import * as assert from "assert";
import { serverRoles } from "../../../policy-pack/lib/serverRoles";
import { readUserData } from "../../../policy-pack/lib/userData";
import { userDataFor } from "../fixtures";

const roles = (userData: string) => serverRoles(readUserData({ userData })!);

describe("lib/serverRoles", () => {
    it("derives components from packages and files", () => {
        assert.deepStrictEqual(roles(userDataFor({ haproxy: "tls" })), { loadBalancer: true, web: false, app: false, database: false, databaseWriter: false });
        assert.deepStrictEqual(roles(userDataFor({ web: true, app: true, db: { role: "primary" } })), { loadBalancer: false, web: true, app: true, database: true, databaseWriter: true });
        assert.strictEqual(roles(userDataFor({ db: { role: "replica" } })).databaseWriter, false);
    });
    it("reads shell scripts heuristically", () => {
        const r = roles("#!/bin/bash\napt-get install -y nginx mysql-server\n");
        assert.ok(r.web && r.database && !r.app);
    });
});
