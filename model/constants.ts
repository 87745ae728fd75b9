/**
 * The stack's fixed numbers and names: ports, paths on the servers, database users. One place,
 * because the security groups, the host firewalls, the rendered files, the plan's diagram and
 * the rehearsal's probes must all name the same ones.
 */

/** TCP ports the servers listen on. */
export const PORTS = {
    http: 80,
    https: 443,
    ssh: 22,
    mysql: 3306,
    app: 8000,
    nginxStatus: 8081,
    haproxyStats: 8404,
} as const;

/** Where the rendered certificates, keys, secrets and sockets live on a server. */
export const PATHS = {
    internalCa: "/etc/webstack/tls/internal-ca.pem",
    serverCertificate: "/etc/webstack/tls/server.crt",
    serverKey: "/etc/webstack/tls/server.key",
    mysqlCertificate: "/etc/mysql/tls/server.crt",
    mysqlKey: "/etc/mysql/tls/server.key",
    frontendCertificate: "/etc/haproxy/tls/site.pem",
    rdsCaBundle: "/etc/webstack/tls/rds-ca.pem",
    rootPassword: "/etc/webstack/secrets/mysql-root-password",
    replicationPassword: "/etc/webstack/secrets/mysql-replication-password",
    appPassword: "/etc/webstack/secrets/mysql-app-password",
    /** Root-only copy of the app password on the primary, which creates the app user. */
    appPasswordForGrants: "/etc/webstack/secrets/mysql-app-password-for-grants",
    mysqlSocket: "/run/mysqld/mysqld.sock",
    /** Root's MySQL client options (password + socket), written by the database bootstrap. */
    rootOptionFile: "/root/.my.cnf",
    haproxyAdminSocket: "/run/haproxy/admin.sock",
    nginxSite: "/etc/nginx/sites-available/webstack.conf",
} as const;

/**
 * Database users. On RDS the master user keeps the name "webapp" (see RDS_MASTER_USERNAME),
 * so the application's own least-privilege user there is "webstack_app".
 */
export const DATABASE_USERS = { app: "webapp", rdsApp: "webstack_app", replication: "replicator" } as const;
export const HSTS_MAX_AGE_SECONDS = 63072000; // two years, as the HSTS preload list asks

/** The data volume every self-managed database server keeps /var/lib/mysql on. */
export const DATA_VOLUME = { device: "/dev/sdf", label: "webstack-data", mountPoint: "/var/lib/mysql", unit: "webstack-data.service" } as const;
