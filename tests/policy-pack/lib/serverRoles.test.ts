import * as assert from "assert";
import { mentions, serverRoles } from "../../../policy-pack/lib/serverRoles";
import { readUserData, UserData } from "../../../policy-pack/lib/userData";
import { userDataFor } from "../fixtures";

const roles = (userData: string) => serverRoles(readUserData({ userData })!);

describe("lib/serverRoles", () => {
    it("derives components from packages and files", () => {
        assert.deepStrictEqual(roles(userDataFor({ haproxy: "tls" })), { loadBalancer: true, web: false, app: false, database: false, databaseWriter: false });
        assert.deepStrictEqual(roles(userDataFor({ web: true, app: true, db: { role: "primary" } })), { loadBalancer: false, web: true, app: true, database: true, databaseWriter: true });
        assert.strictEqual(roles(userDataFor({ db: { role: "replica" } })).databaseWriter, false);
    });
    it("works out the roles of parsed (frozen) user data once, and of a caller's own object every time", () => {
        const ud = readUserData({ userData: userDataFor({ web: true, db: { role: "primary" } }) })!;
        assert.strictEqual(serverRoles(ud), serverRoles(ud));
        assert.ok(Object.isFrozen(serverRoles(ud)));
        const own: UserData = { kind: "script", text: "apt-get install -y nginx\n", packages: [], files: [], runcmd: [] };
        assert.strictEqual(serverRoles(own).web, true);
        own.text = "apt-get install -y mariadb-server\n";
        assert.deepStrictEqual([serverRoles(own).web, serverRoles(own).database], [false, true]);
    });
    it("reads shell scripts heuristically", () => {
        const r = roles("#!/bin/bash\napt-get install -y nginx mysql-server\n");
        assert.ok(r.web && r.database && !r.app);
    });
});

// One piece of evidence at a time, plus the near misses that must not count (mutation testing
// showed each of these branches and regexes could change without a failing test).
describe("lib/serverRoles evidence", () => {
    const ud = (parts: Partial<UserData>): UserData => ({ kind: "cloud-config", text: "#cloud-config\n", packages: [], files: [], runcmd: [], ...parts });
    const file = (path: string, content = "") => ({ path, content });
    const script = (text: string): UserData => ({ kind: "script", text, packages: [], files: [], runcmd: [] });
    const SERVER_CNF = "[mysqld]\nbind-address = 0.0.0.0\n";

    it("load balancer: the haproxy package, haproxy.cfg, or a script installing haproxy", () => {
        assert.ok(serverRoles(ud({ packages: ["curl", "haproxy"] })).loadBalancer);
        assert.ok(serverRoles(ud({ files: [file("/etc/haproxy/haproxy.cfg")] })).loadBalancer);
        assert.ok(serverRoles(script("#!/bin/bash\napt-get  install -y curl haproxy\n")).loadBalancer);
        assert.ok(!serverRoles(script("#!/bin/bash\napt-get install -y curl\necho haproxy\n")).loadBalancer);
        assert.ok(!serverRoles(ud({ packages: ["curl"], files: [file("/etc/haproxy/other.cfg")] })).loadBalancer);
    });
    it("web: an nginx package (or nginx-* flavour), an nginx site file, or a script installing nginx", () => {
        assert.ok(serverRoles(ud({ packages: ["curl", "nginx"] })).web);
        assert.ok(serverRoles(ud({ packages: ["nginx-light"] })).web);
        assert.ok(serverRoles(ud({ files: [file("/etc/nginx/conf.d/site.conf")] })).web);
        assert.ok(serverRoles(ud({ files: [file("/etc/motd"), file("/etc/nginx/sites-enabled/site")] })).web);
        assert.ok(serverRoles(script("#!/bin/bash\nyum  install -y nginx\n")).web);
        assert.ok(!serverRoles(ud({ packages: ["python3-nginx-tools", "libnginx"], files: [file("/srv/etc/nginx/conf.d/x"), file("/etc/nginx/nginx.conf")] })).web);
    });
    it("app: the webstack-app unit or a file under /opt/webstack/app/", () => {
        assert.ok(serverRoles(ud({ files: [file("/etc/systemd/system/webstack-app.service")] })).app);
        assert.ok(serverRoles(ud({ files: [file("/etc/motd"), file("/opt/webstack/app/app.py")] })).app);
        assert.ok(!serverRoles(ud({ files: [file("/srv/opt/webstack/app/app.py"), file("/etc/systemd/system/other.service")] })).app);
    });
    it("database: a server package (exact names, versioned or not), a server option file under /etc/mysql, or a script installing one", () => {
        for (const p of ["mysql-server", "mysql-server-8.0", "mysql-server-8", "mariadb-server-10.6", "mariadb-server", "percona-server-server", "default-mysql-server"]) {
            assert.ok(serverRoles(ud({ packages: ["curl", p] })).database, p);
        }
        for (const p of ["mysql-client", "my-mysql-server", "mysql-server-x", "mysql-server-8.0-extra", "mariadb-server-core-x"]) {
            assert.ok(!serverRoles(ud({ packages: [p] })).database, p);
        }
        assert.ok(serverRoles(ud({ files: [file("/etc/mysql/conf.d/webstack.cnf", SERVER_CNF)] })).database);
        assert.ok(!serverRoles(ud({ files: [file("/etc/mysql/conf.d/webstack.cnf.bak", SERVER_CNF)] })).database);
        assert.ok(!serverRoles(ud({ files: [file("/opt/etc/mysql/webstack.cnf", SERVER_CNF)] })).database);
        assert.ok(!serverRoles(ud({ files: [file("/etc/mysql/conf.d/client.cnf", "[client]\nuser = app\n")] })).database);
        assert.ok(serverRoles(script("#!/bin/bash\napt-get  install -y mariadb-server\n")).database);
    });
    it("writer: option files are applied in path order, so a later read_only=0 file wins", () => {
        const ro = file("/etc/mysql/conf.d/90-replica.cnf", "[mysqld]\nread_only = 1\n");
        const rw = file("/etc/mysql/conf.d/10-base.cnf", "[mysqld]\nread_only = 0\n");
        // Written out of order; the server loads 10-base then 90-replica: read-only.
        assert.strictEqual(serverRoles(ud({ files: [ro, rw] })).databaseWriter, false);
        const lateRw = file("/etc/mysql/conf.d/99-override.cnf", "[mysqld]\nread_only = OFF\n");
        assert.strictEqual(serverRoles(ud({ files: [lateRw, ro] })).databaseWriter, true);
    });
    it("mentions() looks at every text the server gets", () => {
        assert.ok(mentions(ud({ runcmd: ["systemctl enable --now nftables"] }), /nftables/));
        assert.ok(mentions(ud({ files: [file("/etc/x", "needle")] }), /needle/));
        assert.ok(!mentions(ud({ files: [file("/etc/x", "hay")] }), /needle/));
    });
});
