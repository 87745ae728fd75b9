import { DatabaseEngine } from "./renderMysqlConfig";

export interface DatabaseBootstrapSpec {
    engine: DatabaseEngine;
    role: "primary" | "replica";
    databaseName: string;
    /** Name of the primary as the replica dials it; its certificate carries that name. */
    primaryHost: string;
    port: number;
    caPath: string;
    /** Addresses allowed to log in as the application user. */
    appClientAddresses: string[];
    /** Address the replica connects from. */
    replicaAddress: string;
    appUser: string;
    replicationUser: string;
    /** Files the secret fetcher wrote; the script reads them at run time. */
    passwordFiles: { root: string; replication: string; app: string };
    /** mysqld's unix socket; the script runs after the server has started. */
    socketPath: string;
}

export const DATABASE_BOOTSTRAP_PATH = "/usr/local/sbin/webstack-db-bootstrap";

/**
 * A shell script that configures a fresh MySQL/MariaDB as primary or replica. Passwords are
 * read from files the secret fetcher wrote at boot, so no secret is part of the user data.
 * Generated passwords are alphanumeric, so they are safe inside SQL quotes.
 *
 * The primary creates the database, the application user, the replication user and a
 * socket-authenticated user for the Datadog agent; those statements reach the replica
 * through replication. The replica sets only its own root password (not binlogged) and
 * starts GTID replication over verified TLS.
 */
export function renderDatabaseBootstrap(spec: DatabaseBootstrapSpec): string {
    const mysql = spec.engine === "mysql";
    const rootAuth = mysql
        ? `ALTER USER 'root'@'localhost' IDENTIFIED WITH caching_sha2_password BY '\${ROOT_PASSWORD}';`
        : // Keep unix_socket for root on the host and add the password for TCP tooling.
          `ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('\${ROOT_PASSWORD}');`;
    const socketAuth = mysql ? "IDENTIFIED WITH auth_socket" : "IDENTIFIED VIA unix_socket";

    const primarySql = [
        `CREATE DATABASE IF NOT EXISTS \\\`${spec.databaseName}\\\`;`,
        ...spec.appClientAddresses.flatMap((address) => [
            `CREATE USER IF NOT EXISTS '${spec.appUser}'@'${address}' IDENTIFIED BY '\${APP_PASSWORD}' REQUIRE SSL;`,
            `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, ALTER ON \\\`${spec.databaseName}\\\`.* TO '${spec.appUser}'@'${address}';`,
        ]),
        `CREATE USER IF NOT EXISTS '${spec.replicationUser}'@'${spec.replicaAddress}' IDENTIFIED BY '\${REPLICATION_PASSWORD}' REQUIRE SSL;`,
        `GRANT REPLICATION SLAVE ON *.* TO '${spec.replicationUser}'@'${spec.replicaAddress}';`,
        `CREATE USER IF NOT EXISTS 'dd-agent'@'localhost' ${socketAuth};`,
        `GRANT REPLICATION CLIENT, PROCESS, SELECT ON *.* TO 'dd-agent'@'localhost';`,
    ];
    const replicaSql = mysql
        ? [
              "STOP REPLICA;",
              `CHANGE REPLICATION SOURCE TO SOURCE_HOST='${spec.primaryHost}', SOURCE_PORT=${spec.port}, SOURCE_USER='${spec.replicationUser}', SOURCE_PASSWORD='\${REPLICATION_PASSWORD}', SOURCE_AUTO_POSITION=1, SOURCE_SSL=1, SOURCE_SSL_CA='${spec.caPath}', SOURCE_SSL_VERIFY_SERVER_CERT=1, SOURCE_CONNECT_RETRY=10;`,
              "START REPLICA;",
          ]
        : [
              "STOP SLAVE;",
              `CHANGE MASTER TO MASTER_HOST='${spec.primaryHost}', MASTER_PORT=${spec.port}, MASTER_USER='${spec.replicationUser}', MASTER_PASSWORD='\${REPLICATION_PASSWORD}', MASTER_USE_GTID=slave_pos, MASTER_SSL=1, MASTER_SSL_CA='${spec.caPath}', MASTER_SSL_VERIFY_SERVER_CERT=1, MASTER_CONNECT_RETRY=10;`,
              "START SLAVE;",
          ];

    const statements = spec.role === "primary" ? [rootAuth, ...primarySql] : ["SET SESSION sql_log_bin = 0;", rootAuth, "SET SESSION sql_log_bin = 1;", ...replicaSql];
    return `#!/bin/sh
# Rendered by webstack (renderDatabaseBootstrap): ${spec.engine} ${spec.role}.
set -eu
umask 077
ROOT_PASSWORD="$(cat ${spec.passwordFiles.root})"
${spec.role === "primary" ? `APP_PASSWORD="$(cat ${spec.passwordFiles.app})"\n` : ""}REPLICATION_PASSWORD="$(cat ${spec.passwordFiles.replication})"

# Root's client credentials for later administration, readable by root only.
cat > /root/.my.cnf <<EOF
[client]
user = root
password = \${ROOT_PASSWORD}
socket = ${spec.socketPath}
EOF

mysql --defaults-file=/root/.my.cnf <<SQL
${statements.join("\n")}
SQL
`;
}
