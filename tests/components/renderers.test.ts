import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { renderNginxSite } from "../../render/nginxSite";
import { renderCloudInit } from "../../render/cloudInit";
import { renderMysqlConfig } from "../../render/mysqlConfig";
import { renderDatabaseBootstrap } from "../../render/replicationBootstrap";
import { renderHostFirewall } from "../../render/hostFirewall";
import { HaproxySpec, renderHaproxyConfig } from "../../render/haproxyConfig";
import { renderDatadogChecks } from "../../render/datadogFiles";
import { BOOTSTRAP_MAX_BYTES, renderApplierFiles, renderBootstrap } from "../../render/bootstrap";
import { renderServerBundle } from "../../render/serverBundle";
import { renderAutoUpgrades } from "../../render/unattendedUpgrades";

const haproxySpec: HaproxySpec = {
    domain: "www.example.com",
    backends: [
        { name: "app-0", address: "10.20.64.10", fqdn: "app-0.webstack.internal" },
        { name: "app-1", address: "10.20.80.10", fqdn: "app-1.webstack.internal" },
    ],
    backendHop: "tls",
    backendPort: 443,
    frontendCertificatePath: "/etc/haproxy/tls/site.pem",
    internalCaPath: "/etc/webstack/tls/internal-ca.pem",
    statsBind: "127.0.0.1:8404",
    hstsMaxAgeSeconds: 63072000,
    adminSocketPath: "/run/haproxy/admin.sock",
};

describe("renderHaproxyConfig", () => {
    it("terminates TLS 1.2+ with AEAD ciphers, redirects HTTP and sets HSTS", () => {
        const cfg = renderHaproxyConfig(haproxySpec);
        assert.match(cfg, /ssl-default-bind-options ssl-min-ver TLSv1\.2/);
        assert.doesNotMatch(cfg, /CBC|RC4|3DES|SHA1[^0-9]/);
        assert.match(cfg, /frontend http-in\n\s+bind :80\n\s+http-request redirect scheme https code 301/);
        assert.match(cfg, /bind :443 ssl crt \/etc\/haproxy\/tls\/site\.pem/);
        assert.match(cfg, /Strict-Transport-Security "max-age=63072000; includeSubDomains"/);
    });

    it("answers 404 on the public frontend for the app's internal diagnostics", () => {
        const cfg = renderHaproxyConfig(haproxySpec);
        const httpsFrontend = /frontend https-in\n([\s\S]*?)\n\n/.exec(cfg)![1];
        assert.match(httpsFrontend, /http-request deny deny_status 404 if \{ path \/db\.json \}/);
    });

    it("balances round robin over every backend with an HTTP health check", () => {
        const cfg = renderHaproxyConfig(haproxySpec);
        assert.match(cfg, /balance roundrobin/);
        assert.match(cfg, /http-check send meth GET uri \/healthz/);
        assert.equal(cfg.match(/^\s+server /gm)!.length, 2);
    });

    it("tls hop: every server verifies the internal CA and its own name", () => {
        const lines = renderHaproxyConfig(haproxySpec)
            .split("\n")
            .filter((l) => /^\s+server /.test(l));
        assert.deepEqual(lines, [
            "    server app-0 10.20.64.10:443 check ssl verify required ca-file /etc/webstack/tls/internal-ca.pem verifyhost app-0.webstack.internal sni str(app-0.webstack.internal)",
            "    server app-1 10.20.80.10:443 check ssl verify required ca-file /etc/webstack/tls/internal-ca.pem verifyhost app-1.webstack.internal sni str(app-1.webstack.internal)",
        ]);
    });

    it("plaintext hop: plain HTTP server lines", () => {
        const cfg = renderHaproxyConfig({ ...haproxySpec, backendHop: "plaintext", backendPort: 80 });
        assert.match(cfg, /^ {4}server app-0 10\.20\.64\.10:80 check$/m);
        assert.doesNotMatch(cfg, /verify required/);
    });

    it("binds the stats and Prometheus endpoint to loopback only", () => {
        assert.match(renderHaproxyConfig(haproxySpec), /frontend stats\n\s+bind 127\.0\.0\.1:8404\n\s+http-request use-service prometheus-exporter if \{ path \/metrics \}/);
    });

    it("refuses a load balancer with no backend", () => {
        assert.throws(() => renderHaproxyConfig({ ...haproxySpec, backends: [] }), /at least one backend/);
    });
});

describe("renderNginxSite", () => {
    const spec = {
        serverName: "app-0.webstack.internal",
        publicNames: ["example.com", "www.example.com"],
        listeners: [{ port: 80, tls: false }],
        appPort: 8000,
        statusPort: 8081,
        trustedProxies: ["10.20.0.10"],
    };

    it("serves TLS with the backend certificate when the hop is re-encrypted", () => {
        const site = renderNginxSite({ ...spec, listeners: [{ port: 443, tls: true }], tls: { certificatePath: "/c.crt", keyPath: "/c.key" } });
        assert.match(site, /listen 443 ssl;/);
        assert.doesNotMatch(site, /listen 80;/);
        assert.match(site, /ssl_certificate \/c\.crt;/);
        assert.match(site, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
        assert.match(site, /ssl_session_cache shared:webstack:10m;/);
    });

    it("serves plain HTTP on the backend port otherwise, proxies to the app with keep-alive", () => {
        const site = renderNginxSite(spec);
        assert.match(site, /listen 80;/);
        assert.doesNotMatch(site, /ssl_certificate/);
        assert.match(site, /keepalive 16;/);
        assert.match(site, /proxy_set_header Connection "";/);
        assert.match(site, /set_real_ip_from 10\.20\.0\.10;/);
    });

    it("serves both hops from one server block during a hop migration, and refuses TLS without a certificate", () => {
        const site = renderNginxSite({
            ...spec,
            listeners: [
                { port: 80, tls: false },
                { port: 443, tls: true },
            ],
            tls: { certificatePath: "/c.crt", keyPath: "/c.key" },
        });
        assert.match(site, /listen 80;\n\s+listen 443 ssl;/);
        assert.equal(site.match(/^server \{/gm)?.length, 2, "the site and the loopback status server");
        assert.throws(() => renderNginxSite({ ...spec, listeners: [{ port: 443, tls: true }] }), /needs the certificate/);
        assert.throws(() => renderNginxSite({ ...spec, listeners: [] }), /no listener/);
    });

    it("exposes stub_status on loopback only", () => {
        assert.match(renderNginxSite(spec), /listen 127\.0\.0\.1:8081;\n\s+location \/nginx_status \{\n\s+stub_status;/);
    });
});

describe("renderMysqlConfig", () => {
    const tls = { caPath: "/ca", certificatePath: "/c", keyPath: "/k" };
    it("mariadb: binary logs with strict GTIDs and TLS 1.2+ required; only the replica is read-only", () => {
        const primary = renderMysqlConfig({ role: "primary", serverId: 1, port: 3306, bindAddress: "10.0.0.1", tls });
        const replica = renderMysqlConfig({ role: "replica", serverId: 2, port: 3306, bindAddress: "10.0.0.2", tls });
        for (const cnf of [primary, replica]) {
            assert.match(cnf, /^gtid_strict_mode = ON$/m);
            assert.match(cnf, /^require_secure_transport = ON$/m);
            assert.match(cnf, /^log_bin = mysql-bin$/m);
            assert.match(cnf, /^binlog_expire_logs_seconds = 604800$/m);
            // MySQL-only settings MariaDB refuses to start with.
            assert.doesNotMatch(cnf, /gtid_mode|super_read_only|enforce_gtid_consistency|log_replica_updates/);
        }
        assert.match(primary, /^read_only = OFF$/m);
        assert.match(replica, /^read_only = ON$/m);
        assert.match(replica, /^log_slave_updates = ON$/m);
        assert.match(replica, /^server_id = 2$/m);
    });

    it("refuses values that could start another option line", () => {
        assert.throws(() => renderMysqlConfig({ role: "primary", serverId: 1, port: 3306, bindAddress: "10.0.0.1\nskip_grant_tables", tls }), /not a plain path or address/);
        assert.throws(() => renderMysqlConfig({ role: "primary", serverId: 1.5, port: 3306, bindAddress: "10.0.0.1", tls }), /not a non-negative integer/);
    });
});

describe("renderDatabaseBootstrap", () => {
    const spec = {
        databaseName: "webapp",
        primaryHost: "app-0.webstack.internal",
        port: 3306,
        caPath: "/etc/webstack/tls/internal-ca.pem",
        appClientAddresses: ["10.20.64.10", "10.20.80.10"],
        replicaAddress: "10.20.80.10",
        appUser: "webapp",
        replicationUser: "replicator",
        passwordFiles: { root: "/s/root", replication: "/s/repl", app: "/s/app" },
        socketPath: "/run/mysqld/mysqld.sock",
        rootOptionFile: "/root/.my.cnf",
    };

    it("primary: creates the database, TLS-only users and the socket-authenticated agent user", () => {
        const script = renderDatabaseBootstrap({ ...spec, role: "primary" });
        assert.match(script, /CREATE DATABASE IF NOT EXISTS \\`webapp\\`;/);
        assert.match(script, /CREATE USER IF NOT EXISTS 'webapp'@'10\.20\.64\.10' IDENTIFIED BY '\$\{APP_PASSWORD\}' REQUIRE SSL;/);
        assert.match(script, /CREATE USER IF NOT EXISTS 'replicator'@'10\.20\.80\.10' IDENTIFIED BY '\$\{REPLICATION_PASSWORD\}' REQUIRE SSL;/);
        assert.match(script, /'dd-agent'@'localhost' IDENTIFIED VIA unix_socket;/);
        assert.match(script, /APP_PASSWORD="\$\(cat '\/s\/app'\)"/);
    });

    it("replica: CHANGE MASTER with MASTER_USE_GTID=slave_pos and verified TLS, no users of its own", () => {
        const script = renderDatabaseBootstrap({ ...spec, role: "replica" });
        assert.doesNotMatch(script, /CREATE USER/);
        assert.doesNotMatch(script, /APP_PASSWORD/);
        assert.match(script, /CHANGE MASTER TO MASTER_HOST='app-0\.webstack\.internal'.*MASTER_USE_GTID=slave_pos, MASTER_SSL=1, .*MASTER_SSL_VERIFY_SERVER_CERT=1/);
        assert.match(script, /START SLAVE;/);
        assert.match(script, /IDENTIFIED VIA unix_socket OR mysql_native_password/);
    });

    it("never carries a password, only the files to read them from", () => {
        const script = renderDatabaseBootstrap({ ...spec, role: "primary" });
        for (const match of script.matchAll(/(?:IDENTIFIED BY|PASSWORD\(|password = )\s*'?([^'\s)]*)/g)) {
            assert.match(match[1], /^\$\{[A-Z_]+\}$/);
        }
    });
});

describe("renderHostFirewall", () => {
    it("drops inbound by default and opens each port to its sources only", () => {
        const rules = renderHostFirewall({
            serverName: "app-0",
            rules: [
                { description: "backend", port: 443, sources: ["10.20.0.10"] },
                { description: "SSH", port: 22, sources: [] },
            ],
        });
        assert.match(rules, /type filter hook input priority filter; policy drop;/);
        assert.match(rules, /ip saddr \{ 10\.20\.0\.10 \} tcp dport 443 accept/);
        assert.doesNotMatch(rules, /dport 22/);
        assert.match(rules, /chain output \{\n\s+type filter hook output priority filter; policy accept;/);
    });
});

describe("renderHostFirewall under hostile input", () => {
    it("keeps a description on its comment line and refuses sources nft would misread", () => {
        const rules = renderHostFirewall({ serverName: "app-0\nflush ruleset", rules: [{ description: 'SSH "admins"\n}\nflush ruleset', port: 22, sources: ["10.0.0.0/16"] }] });
        assert.equal(rules.match(/^\s*flush ruleset/gm)!.length, 1, "the only flush statement is the renderer's own");
        assert.match(rules, /accept comment "SSH 'admins' \} flush ruleset"$/m);
        for (const source of ["0xa.0.0.0/8", "0/0", "10.0.0.1; flush ruleset", "10.0.0"]) {
            assert.throws(() => renderHostFirewall({ serverName: "x", rules: [{ description: "d", port: 22, sources: [source] }] }), /not an IPv4 address or CIDR/, source);
        }
        assert.throws(() => renderHostFirewall({ serverName: "x", rules: [{ description: "d", port: 0, sources: ["10.0.0.1"] }] }), /not a TCP port/);
    });
});

describe("renderBootstrap", () => {
    const spec = { region: "eu-west-1", bucket: "webstack-config-abc1234", key: "servers/webstack-app-0.yaml" };
    it("is a cloud-config that installs the AWS CLI and YAML, writes where the bundle is, and runs the boot script once", () => {
        const doc = parse(renderBootstrap(spec).replace(/^#cloud-config\n/, ""));
        assert.deepEqual(doc.packages, ["awscli", "python3-yaml"]);
        assert.equal(doc.write_files[0].content, "AWS_REGION=eu-west-1\nBUNDLE_BUCKET=webstack-config-abc1234\nBUNDLE_KEY=servers/webstack-app-0.yaml\n");
        assert.match(doc.write_files[1].content, /^#!\/usr\/bin\/python3\n/);
        assert.deepEqual(doc.runcmd, [["/usr/local/sbin/webstack-bootstrap"]]);
    });
    it("stays under its 4 KB budget and depends on nothing but the region, bucket and key", () => {
        const text = renderBootstrap(spec);
        assert.ok(Buffer.byteLength(text) < BOOTSTRAP_MAX_BYTES, `${Buffer.byteLength(text)} bytes`);
        assert.equal(renderBootstrap({ ...spec }), text);
    });
});

describe("renderServerBundle", () => {
    it("keeps cloud-config's shape and carries the applier's section", () => {
        const doc = parse(
            renderServerBundle({
                packages: ["nginx"],
                files: renderApplierFiles(),
                commands: [["systemctl", "enable", "--now", "webstack-apply.timer"]],
                users: ["webstack-app"],
                secrets: [{ parameter: "/webstack/dev/tls/app-0/key", path: "/etc/webstack/tls/server.key", owner: "root:root", mode: "0600" }],
                services: [{ name: "nginx", paths: ["/etc/nginx/sites-available/webstack.conf"], checks: [["nginx", "-t", "-q"]], reload: [["systemctl", "reload-or-restart", "nginx"]] }],
                volumes: [{ volumeId: "vol-0123", device: "/dev/sdf", label: "webstack-data", mountPoint: "/var/lib/mysql" }],
                tags: ["env:dev"],
            }).replace(/^#cloud-config\n/, ""),
        );
        assert.deepEqual(Object.keys(doc), ["packages", "write_files", "runcmd", "webstack"]);
        assert.deepEqual(
            doc.write_files.map((f: { path: string }) => f.path),
            ["/usr/local/sbin/webstack-apply", "/etc/systemd/system/webstack-apply.service", "/etc/systemd/system/webstack-apply.timer"],
        );
        assert.deepEqual(doc.webstack.secrets[0], { parameter: "/webstack/dev/tls/app-0/key", path: "/etc/webstack/tls/server.key", owner: "root:root", mode: "0600" });
        assert.deepEqual(doc.webstack.users, ["webstack-app"]);
        assert.equal(doc.webstack.services[0].reload[0][1], "reload-or-restart");
        assert.deepEqual(doc.webstack.volumes, [{ volumeId: "vol-0123", device: "/dev/sdf", label: "webstack-data", mountPoint: "/var/lib/mysql" }]);
    });
});

describe("renderDatadogChecks", () => {
    const spec = {
        haproxyMetricsUrl: "http://127.0.0.1:8404/metrics",
        nginxStatusUrl: "http://127.0.0.1:8081/nginx_status",
        mysqlSocket: "/run/mysqld/mysqld.sock",
        publicHostname: "www.example.com",
        tags: ["env:dev"],
        certificateFiles: [] as string[],
    };
    it("configures only the checks for what the server runs", () => {
        const paths = (components: Parameters<typeof renderDatadogChecks>[0]["components"]) => renderDatadogChecks({ ...spec, components }).map((f) => f.path.split("/")[4]);
        assert.deepEqual(paths(["load-balancer"]), ["haproxy.d", "tls.d"]);
        assert.deepEqual(paths(["web", "app", "database"]), ["nginx.d", "mysql.d"]);
        assert.deepEqual(
            renderDatadogChecks({ ...spec, components: ["web"], certificateFiles: ["/c.pem"] }).map((f) => f.path.split("/")[4]),
            ["nginx.d", "tls.d"],
        );
    });
    it("watches the expiry of every certificate in use: what clients are served, and each certificate file on disk", () => {
        const files = renderDatadogChecks({ ...spec, components: ["load-balancer"], certificateFiles: ["/etc/haproxy/tls/site.pem"] });
        const tls = parse(files.find((f) => f.path === "/etc/datadog-agent/conf.d/tls.d/conf.yaml")!.content);
        assert.deepEqual(tls.instances[0], { server: "www.example.com", port: 443, tags: ["env:dev"] });
        assert.deepEqual(tls.instances[1], { local_cert_path: "/etc/haproxy/tls/site.pem", tags: ["env:dev", "cert_path:/etc/haproxy/tls/site.pem"] });
        const db = renderDatadogChecks({ ...spec, components: ["web", "database"], certificateFiles: ["/etc/webstack/tls/server.crt", "/etc/mysql/tls/server.crt"] });
        const dbTls = parse(db.find((f) => f.path.endsWith("tls.d/conf.yaml"))!.content);
        assert.deepEqual(
            dbTls.instances.map((i: { local_cert_path?: string }) => i.local_cert_path),
            ["/etc/webstack/tls/server.crt", "/etc/mysql/tls/server.crt"],
        );
    });
    it("reads HAProxy's Prometheus endpoint and MySQL replication through the socket", () => {
        const [haproxy] = renderDatadogChecks({ ...spec, components: ["load-balancer"] });
        assert.deepEqual(parse(haproxy.content).instances[0].openmetrics_endpoint, "http://127.0.0.1:8404/metrics");
        const [mysql] = renderDatadogChecks({ ...spec, components: ["database"] });
        const instance = parse(mysql.content).instances[0];
        assert.equal(instance.options.replication, true);
        assert.equal(instance.password, undefined);
    });
});

describe("renderCloudInit", () => {
    it("serialises a cloud-config document the YAML parser reads back unchanged", () => {
        const files = [{ path: "/etc/x.conf", content: "a: 'quoted' # not a comment\n  indented\n", permissions: "0644" }];
        const text = renderCloudInit({ packages: ["nginx"], files, commands: [["systemctl", "restart", "nginx"], "echo done"] });
        assert.ok(text.startsWith("#cloud-config\n"));
        const doc = parse(text);
        assert.deepEqual(doc.packages, ["nginx"]);
        assert.equal(doc.write_files[0].content, files[0].content);
        assert.equal(doc.write_files[0].defer, true);
        assert.deepEqual(doc.runcmd, [["systemctl", "restart", "nginx"], "echo done"]);
    });
});

describe("renderAutoUpgrades", () => {
    it("is apt configuration that apt itself reads back as both periodic settings on", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-apt-"));
        try {
            const file = path.join(dir, "20auto-upgrades");
            fs.writeFileSync(file, renderAutoUpgrades());
            const dump = execFileSync("apt-config", ["-c", file, "dump"]).toString();
            assert.match(dump, /^APT::Periodic::Update-Package-Lists "1";$/m);
            assert.match(dump, /^APT::Periodic::Unattended-Upgrade "1";$/m);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
