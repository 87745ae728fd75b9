import { APP_DIR, APP_ENV_FILE, APP_UNIT_NAME, renderAppEnvironment, renderAppSource, renderAppUnit } from "./app";
import { renderNginxSite } from "./nginxSite";
import { CloudInitFile } from "./cloudInit";
import { DataVolume, ReloadableService, SecretFile, ServerBundleSpec } from "./serverBundle";
import { DATABASE_BOOTSTRAP_PATH, renderDatabaseBootstrap } from "./replicationBootstrap";
import { RDS_APP_USER_PATH, renderRdsAppUserScript } from "./rdsAppUser";
import { MARIADB_CONFIG_PATH, MARIADB_PACKAGE, MARIADB_SERVICE, renderMysqlConfig } from "./mysqlConfig";
import { HOST_FIREWALL_PATH, HostFirewallRule, renderHostFirewall } from "./hostFirewall";
import { backendPort, DATA_VOLUME, DATABASE_USERS, HSTS_MAX_AGE_SECONDS, PATHS, PORTS, primaryDatabase, replicaDatabase, ServerPlan, StackFacts } from "../model";
import { renderHaproxyConfig } from "./haproxyConfig";
import { DATADOG_INSTALL_PATH, renderDatadogChecks, renderDatadogInstallScript } from "./datadogFiles";
import { APPLIER_PATH, APPLIER_TIMER, APPLIER_UNIT, renderApplierFiles } from "./bootstrap";
import { AUTO_UPGRADES_PATH, renderAutoUpgrades, UNATTENDED_UPGRADES_PACKAGE } from "./unattendedUpgrades";

/**
 * Every file, package, secret, boot command and reloadable service of one server, from plain
 * values. The program stores it as the server's configuration bundle (renderServerBundle)
 * that the on-host applier applies; the rehearsal boots the same bundle in real daemons; the
 * policy pack reads it back out of the bundle object.
 */
export type ServerFiles = ServerBundleSpec;

export function buildServerFiles(server: ServerPlan, facts: StackFacts): ServerFiles {
    const files: CloudInitFile[] = [];
    const secrets: SecretFile[] = [];
    // awscli (Debian's package, AWS CLI v2) reads the secrets with the instance role.
    const packages = ["nftables", "curl", "ca-certificates", "awscli", UNATTENDED_UPGRADES_PACKAGE];
    const commands: (string | string[])[] = [];
    const startServices: (string | string[])[] = [];
    const users: string[] = [];
    const volumes: DataVolume[] = [];
    const applierFiles = renderApplierFiles();
    const services: ReloadableService[] = [
        // First: a scale-out must let the new peer in before anything starts sending to it.
        { name: "host-firewall", paths: [HOST_FIREWALL_PATH], checks: [["nft", "-c", "-f", HOST_FIREWALL_PATH]], reload: [["nft", "-f", HOST_FIREWALL_PATH]] },
        { name: "webstack-apply", paths: applierFiles.filter((f) => f.path.startsWith("/etc/systemd/")).map((f) => f.path), checks: [], reload: [["systemctl", "daemon-reload"]] },
    ];
    const lastServices: ReloadableService[] = [];
    const has = (component: string) => server.components.includes(component as never);

    files.push({ path: HOST_FIREWALL_PATH, content: renderHostFirewall({ serverName: server.key, rules: hostFirewallRules(server, facts) }), permissions: "0644" });
    files.push({ path: PATHS.internalCa, content: facts.certificates.internalCaPem, permissions: "0644" });
    files.push({ path: AUTO_UPGRADES_PATH, content: renderAutoUpgrades(), permissions: "0644" });

    if (has("load-balancer")) {
        packages.push("haproxy");
        files.push({ path: PATHS.frontendCertificate, content: facts.certificates.frontendChainPem, permissions: "0644" });
        secrets.push({ parameter: facts.parameters.tlsKey(server.key), path: `${PATHS.frontendCertificate}.key`, owner: "root:root", mode: "0600" });
        files.push({
            path: "/etc/haproxy/haproxy.cfg",
            content: renderHaproxyConfig({
                domain: `www.${facts.domain}`,
                backends: facts.topology.appServers.map((s) => ({ name: s.key, address: s.privateIp, fqdn: s.fqdn })),
                backendHop: facts.backendHop,
                backendPort: backendPort(facts.backendHop),
                frontendCertificatePath: PATHS.frontendCertificate,
                internalCaPath: PATHS.internalCa,
                statsBind: `127.0.0.1:${PORTS.haproxyStats}`,
                hstsMaxAgeSeconds: HSTS_MAX_AGE_SECONDS,
                adminSocketPath: PATHS.haproxyAdminSocket,
            }),
            permissions: "0644",
        });
        startServices.push(["systemctl", "enable", "haproxy"], ["systemctl", "restart", "haproxy"]);
        // Debian's unit reloads HAProxy in master-worker mode: new workers take the listeners, old ones finish their connections.
        lastServices.push({
            name: "haproxy",
            paths: ["/etc/haproxy/haproxy.cfg", PATHS.frontendCertificate, `${PATHS.frontendCertificate}.key`, PATHS.internalCa],
            checks: [["haproxy", "-c", "-q", "-f", "/etc/haproxy/haproxy.cfg"]],
            reload: [["systemctl", "reload-or-restart", "haproxy"]],
        });
    }

    if (has("web") || has("database")) {
        files.push({ path: PATHS.serverCertificate, content: facts.certificates.serverCertificatePem[server.key] ?? missing(server, "certificate"), permissions: "0644" });
    }

    if (has("web")) {
        packages.push("nginx");
        secrets.push({ parameter: facts.parameters.tlsKey(server.key), path: PATHS.serverKey, owner: "root:root", mode: "0600" });
        files.push({
            path: PATHS.nginxSite,
            content: renderNginxSite({
                serverName: server.fqdn,
                publicNames: [facts.domain, `www.${facts.domain}`],
                listeners: facts.servedBackendHops.map((hop) => ({ port: backendPort(hop), tls: hop === "tls" })),
                tls: facts.servedBackendHops.includes("tls") ? { certificatePath: PATHS.serverCertificate, keyPath: PATHS.serverKey } : undefined,
                appPort: PORTS.app,
                statusPort: PORTS.nginxStatus,
                trustedProxies: [facts.topology.loadBalancer.privateIp],
            }),
            permissions: "0644",
        });
        startServices.push(["rm", "-f", "/etc/nginx/sites-enabled/default"], ["ln", "-sf", PATHS.nginxSite, "/etc/nginx/sites-enabled/webstack.conf"], ["systemctl", "restart", "nginx"]);
        lastServices.unshift({
            name: "nginx",
            paths: [PATHS.nginxSite, PATHS.serverCertificate, PATHS.serverKey, PATHS.internalCa],
            checks: [["nginx", "-t", "-q"]],
            reload: [["systemctl", "reload-or-restart", "nginx"]],
        });
    }

    if (has("app")) {
        packages.push("python3", "python3-pymysql");
        users.push("webstack-app");
        secrets.push({ parameter: facts.parameters.mysqlAppPassword, path: PATHS.appPassword, owner: "webstack-app:webstack-app", mode: "0400" });
        const dbCa = facts.database.managed ? PATHS.rdsCaBundle : PATHS.internalCa;
        if (facts.database.managed) {
            // RDS certificates chain to Amazon's RDS CAs, published as one bundle.
            commands.push(["curl", "-fsSL", "--retry", "5", "-o", PATHS.rdsCaBundle, "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem"]);
        }
        files.push({ path: `${APP_DIR}/app.py`, content: renderAppSource(), permissions: "0755" });
        files.push({
            path: APP_ENV_FILE,
            content: renderAppEnvironment({
                serverName: server.key,
                appPort: PORTS.app,
                database: {
                    writerHost: facts.database.writerHost,
                    readerHost: facts.database.readerHost,
                    port: facts.database.port,
                    name: facts.databaseName,
                    user: facts.database.appUser,
                    passwordFile: PATHS.appPassword,
                    caPath: dbCa,
                },
            }),
            permissions: "0644",
        });
        files.push({ path: `/etc/systemd/system/${APP_UNIT_NAME}`, content: renderAppUnit(), permissions: "0644" });
        if (facts.database.managed && server.key === facts.topology.appServers[0].key) {
            // The first app server gives the app its least-privilege RDS user before any app starts on it.
            files.push({
                path: RDS_APP_USER_PATH,
                content: renderRdsAppUserScript({
                    region: facts.region,
                    masterSecretArn: facts.database.masterSecretArn ?? missing(server, "RDS master secret"),
                    writerHost: facts.database.writerHost,
                    port: facts.database.port,
                    caPath: PATHS.rdsCaBundle,
                    databaseName: facts.databaseName,
                    appUser: facts.database.appUser,
                    appPasswordFile: PATHS.appPassword,
                }),
                permissions: "0700",
            });
            startServices.push([RDS_APP_USER_PATH]);
        }
        startServices.push(["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", APP_UNIT_NAME]);
        // The app reads its password and CA per connection; only its code, environment or unit need a restart.
        services.push({
            name: "app",
            paths: [`${APP_DIR}/app.py`, APP_ENV_FILE, `/etc/systemd/system/${APP_UNIT_NAME}`],
            checks: [["python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", `${APP_DIR}/app.py`]],
            reload: [
                ["systemctl", "daemon-reload"],
                ["systemctl", "restart", APP_UNIT_NAME],
            ],
        });
    }

    if (has("database") && server.database) {
        const primary = primaryDatabase(facts.topology) ?? missing(server, "primary database");
        const replica = replicaDatabase(facts.topology) ?? missing(server, "replica database");
        packages.push(MARIADB_PACKAGE);
        // The rows live on the server's own EBS volume, mounted before MariaDB is installed, so a
        // replaced server finds them (and the package then leaves the existing data directory alone).
        volumes.push({ volumeId: facts.dataVolumeIds[server.key] ?? missing(server, "data volume"), device: DATA_VOLUME.device, label: DATA_VOLUME.label, mountPoint: DATA_VOLUME.mountPoint });
        files.push(
            {
                path: `/etc/systemd/system/${DATA_VOLUME.unit}`,
                content: `# Rendered by webstack (buildServerFiles).
[Unit]
Description=webstack: mount the database's data volume (label ${DATA_VOLUME.label}) at ${DATA_VOLUME.mountPoint}
DefaultDependencies=no
After=local-fs.target
Before=${MARIADB_SERVICE}.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${APPLIER_PATH} --mount-data

[Install]
WantedBy=multi-user.target
`,
                permissions: "0644",
            },
            {
                // MariaDB never starts on an empty directory of the root volume in place of its data.
                path: `/etc/systemd/system/${MARIADB_SERVICE}.service.d/webstack-data.conf`,
                content: `# Rendered by webstack (buildServerFiles).
[Unit]
Requires=${DATA_VOLUME.unit}
After=${DATA_VOLUME.unit}
`,
                permissions: "0644",
            },
        );
        commands.push(["systemctl", "daemon-reload"], ["systemctl", "enable", DATA_VOLUME.unit]);
        files.push({ path: PATHS.mysqlCertificate, content: facts.certificates.serverCertificatePem[server.key], permissions: "0644" });
        secrets.push(
            { parameter: facts.parameters.tlsKey(server.key), path: PATHS.mysqlKey, owner: "mysql:mysql", mode: "0600" },
            { parameter: facts.parameters.mysqlRootPassword, path: PATHS.rootPassword, owner: "root:root", mode: "0600" },
            { parameter: facts.parameters.mysqlReplicationPassword, path: PATHS.replicationPassword, owner: "root:root", mode: "0600" },
        );
        if (server.database.role === "primary") {
            secrets.push({ parameter: facts.parameters.mysqlAppPassword, path: PATHS.appPasswordForGrants, owner: "root:root", mode: "0600" });
        }
        files.push({
            path: MARIADB_CONFIG_PATH,
            content: renderMysqlConfig({
                role: server.database.role,
                serverId: server.database.serverId,
                port: PORTS.mysql,
                bindAddress: server.privateIp,
                tls: { caPath: PATHS.internalCa, certificatePath: PATHS.mysqlCertificate, keyPath: PATHS.mysqlKey },
            }),
            permissions: "0644",
        });
        files.push({
            path: DATABASE_BOOTSTRAP_PATH,
            content: renderDatabaseBootstrap({
                role: server.database.role,
                databaseName: facts.databaseName,
                primaryHost: primary.fqdn,
                port: PORTS.mysql,
                caPath: PATHS.internalCa,
                appClientAddresses: facts.topology.appServers.map((s) => s.privateIp),
                replicaAddress: replica.privateIp,
                appUser: DATABASE_USERS.app,
                replicationUser: DATABASE_USERS.replication,
                passwordFiles: { root: PATHS.rootPassword, replication: PATHS.replicationPassword, app: PATHS.appPasswordForGrants },
                socketPath: PATHS.mysqlSocket,
                rootOptionFile: PATHS.rootOptionFile,
            }),
            permissions: "0700",
        });
        // The database starts before the app so the app's first probe finds it.
        startServices.unshift(["systemctl", "restart", MARIADB_SERVICE], [DATABASE_BOOTSTRAP_PATH]);
        services.push(
            // MariaDB reloads its certificate and key without a restart (FLUSH SSL, MariaDB 10.4+).
            // LOCAL: a FLUSH is binlogged by default, and the replica would then reload its own
            // files whenever the primary does, possibly mid-swap, stopping its SQL thread (found by the drill).
            {
                name: "mariadb-tls",
                paths: [PATHS.mysqlCertificate, PATHS.mysqlKey, PATHS.internalCa],
                checks: [[APPLIER_PATH, "--check-key-pair", PATHS.mysqlCertificate, PATHS.mysqlKey]],
                reload: [["mariadb", `--defaults-file=${PATHS.rootOptionFile}`, "-e", "FLUSH LOCAL SSL"]],
            },
            // my.cnf has no reload: a change restarts MariaDB (no routine change touches it).
            { name: "mariadb-config", paths: [MARIADB_CONFIG_PATH], checks: [["mariadbd", "--help", "--verbose", "--user=mysql"]], reload: [["systemctl", "restart", MARIADB_SERVICE]] },
            // Idempotent (CREATE ... IF NOT EXISTS): a scale-out grants the new app server its user.
            { name: "database-grants", paths: [DATABASE_BOOTSTRAP_PATH], checks: [["sh", "-n", DATABASE_BOOTSTRAP_PATH]], reload: [[DATABASE_BOOTSTRAP_PATH]] },
        );
    }

    const datadogChecks = renderDatadogChecks({
        components: server.components,
        haproxyMetricsUrl: `http://127.0.0.1:${PORTS.haproxyStats}/metrics`,
        nginxStatusUrl: `http://127.0.0.1:${PORTS.nginxStatus}/nginx_status`,
        mysqlSocket: PATHS.mysqlSocket,
        publicHostname: `www.${facts.domain}`,
        certificateFiles: [
            ...(has("load-balancer") ? [PATHS.frontendCertificate] : []),
            ...(has("web") || has("database") ? [PATHS.serverCertificate] : []),
            ...(has("database") && server.database ? [PATHS.mysqlCertificate] : []),
        ],
        tags: agentTags(server, facts),
    });
    files.push(...datadogChecks);
    files.push({
        path: DATADOG_INSTALL_PATH,
        content: renderDatadogInstallScript({ site: facts.monitoring.site, apiKeyParameter: facts.parameters.datadogApiKey, region: facts.region, tags: agentTags(server, facts) }),
        permissions: "0700",
    });
    files.push(...applierFiles);
    services.push(...lastServices, {
        name: "datadog-agent",
        paths: datadogChecks.map((f) => f.path),
        checks: [],
        // The agent re-reads check configs only on restart; no agent yet means nothing to restart.
        reload: [["sh", "-c", "if systemctl is-active --quiet datadog-agent; then systemctl restart datadog-agent; fi"]],
    });

    return {
        packages,
        files,
        secrets,
        users,
        services,
        volumes,
        tags: agentTags(server, facts),
        // Run once, by the applier's first apply, after packages, users, files and secrets.
        commands: [
            // The host firewall goes up first: nothing listens before it is in place.
            ["systemctl", "enable", "--now", "nftables"],
            ["nft", "-f", HOST_FIREWALL_PATH],
            ...commands,
            ...startServices,
            [DATADOG_INSTALL_PATH],
            ["systemctl", "daemon-reload"],
            ["systemctl", "enable", APPLIER_UNIT],
            ["systemctl", "enable", "--now", APPLIER_TIMER],
        ],
    };
}

/**
 * The inbound rules of a server's host firewall: the same ports and peers as its
 * security group, written as addresses because the host cannot see security groups.
 */
export function hostFirewallRules(server: ServerPlan, facts: StackFacts): HostFirewallRule[] {
    const { topology } = facts;
    const rules: HostFirewallRule[] = [];
    if (server.components.includes("load-balancer")) {
        rules.push({ description: "HTTP from clients (redirected to HTTPS)", port: PORTS.http, sources: facts.clientCidrs });
        rules.push({ description: "HTTPS from clients", port: PORTS.https, sources: facts.clientCidrs });
    }
    if (server.components.includes("web")) {
        for (const hop of facts.servedBackendHops) {
            rules.push({ description: `backend traffic from the load balancer (${hop})`, port: backendPort(hop), sources: [topology.loadBalancer.privateIp] });
        }
    }
    if (server.components.includes("database")) {
        const peers = topology.databaseServers.filter((s) => s.key !== server.key).map((s) => s.privateIp);
        const appClients = topology.appServers.filter((s) => s.key !== server.key).map((s) => s.privateIp);
        rules.push({ description: "MySQL from the app servers and the replication peer", port: PORTS.mysql, sources: unique([...appClients, ...peers]) });
    }
    rules.push({ description: "SSH from the admin CIDRs", port: PORTS.ssh, sources: facts.adminCidrs });
    return rules;
}

function agentTags(server: ServerPlan, facts: StackFacts): string[] {
    return [`env:${facts.stack}`, "service:webstack", `role:${server.role}`, ...facts.monitoring.tags];
}

function unique(values: string[]): string[] {
    return [...new Set(values)];
}

function missing(server: ServerPlan, what: string): never {
    throw new Error(`buildServerFiles: no ${what} for server ${server.key}`);
}
