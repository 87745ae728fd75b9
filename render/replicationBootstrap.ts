import { assertAlphanumericShellVariables, fromShellVariable, heredocText, identifier, shellQuote, sqlHeredoc } from "./quote";
export interface DatabaseBootstrapSpec {
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
    /** Where root's client option file (password + socket) is written, readable by root only. */
    rootOptionFile: string;
}

export const DATABASE_BOOTSTRAP_PATH = "/usr/local/sbin/webstack-db-bootstrap";

/**
 * A shell script that configures a fresh MariaDB as primary or replica. Passwords are
 * read from files the secret fetcher wrote at boot, so no secret is part of the user data.
 * Every value is quoted by construction (render/quote.ts); the passwords, read at run time,
 * are checked to be alphanumeric (as generated) before they reach SQL or my.cnf.
 *
 * The primary creates the database, the application user, the replication user and a
 * socket-authenticated user for the Datadog agent; those statements reach the replica
 * through replication. The replica sets only its own root password (not binlogged) and
 * starts GTID replication over verified TLS.
 */
export function renderDatabaseBootstrap(spec: DatabaseBootstrapSpec): string {
    const ROOT = fromShellVariable("ROOT_PASSWORD");
    const APP = fromShellVariable("APP_PASSWORD");
    const REPLICATION = fromShellVariable("REPLICATION_PASSWORD");
    const database = identifier(spec.databaseName);
    // Keep unix_socket for root on the host and add the password for TCP tooling.
    const rootAuth = sqlHeredoc`ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(${ROOT});`;

    const primarySql = [
        sqlHeredoc`CREATE DATABASE IF NOT EXISTS ${database};`,
        ...spec.appClientAddresses.flatMap((address) => [
            sqlHeredoc`CREATE USER IF NOT EXISTS ${spec.appUser}@${address} IDENTIFIED BY ${APP} REQUIRE SSL;`,
            sqlHeredoc`GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, ALTER ON ${database}.* TO ${spec.appUser}@${address};`,
        ]),
        sqlHeredoc`CREATE USER IF NOT EXISTS ${spec.replicationUser}@${spec.replicaAddress} IDENTIFIED BY ${REPLICATION} REQUIRE SSL;`,
        sqlHeredoc`GRANT REPLICATION SLAVE ON *.* TO ${spec.replicationUser}@${spec.replicaAddress};`,
        "CREATE USER IF NOT EXISTS 'dd-agent'@'localhost' IDENTIFIED VIA unix_socket;",
        `GRANT REPLICATION CLIENT, PROCESS, SELECT ON *.* TO 'dd-agent'@'localhost';`,
    ];
    const replicaSql = [
        "STOP SLAVE;",
        sqlHeredoc`CHANGE MASTER TO MASTER_HOST=${spec.primaryHost}, MASTER_PORT=${spec.port}, MASTER_USER=${spec.replicationUser}, MASTER_PASSWORD=${REPLICATION}, MASTER_USE_GTID=slave_pos, MASTER_SSL=1, MASTER_SSL_CA=${spec.caPath}, MASTER_SSL_VERIFY_SERVER_CERT=1, MASTER_CONNECT_RETRY=10;`,
        "START SLAVE;",
    ];

    const statements = spec.role === "primary" ? [rootAuth, ...primarySql] : ["SET SESSION sql_log_bin = 0;", rootAuth, "SET SESSION sql_log_bin = 1;", ...replicaSql];
    const passwords = spec.role === "primary" ? ["ROOT_PASSWORD", "APP_PASSWORD", "REPLICATION_PASSWORD"] : ["ROOT_PASSWORD", "REPLICATION_PASSWORD"];
    const appPasswordLine = spec.role === "primary" ? `APP_PASSWORD="$(cat ${shellQuote(spec.passwordFiles.app)})"\n` : "";
    return `#!/bin/sh
# Rendered by webstack (renderDatabaseBootstrap): mariadb ${spec.role}.
set -eu
umask 077
ROOT_PASSWORD="$(cat ${shellQuote(spec.passwordFiles.root)})"
${appPasswordLine}REPLICATION_PASSWORD="$(cat ${shellQuote(spec.passwordFiles.replication)})"
# The passwords reach SQL literals and my.cnf as they are: refuse anything but the
# alphanumeric values the program generates.
${assertAlphanumericShellVariables(passwords)}

# Root's client credentials for later administration, readable by root only.
cat > ${shellQuote(spec.rootOptionFile)} <<EOF
[client]
user = root
password = \${ROOT_PASSWORD}
socket = ${heredocText(optionFileValue(spec.socketPath))}
EOF

mysql --defaults-file=${shellQuote(spec.rootOptionFile)} <<SQL
${statements.join("\n")}
SQL
`;
}

/** An option-file value on one line: a line break would start a new option. */
function optionFileValue(value: string): string {
    if (/[\r\n]/.test(value)) {
        throw new Error(`renderDatabaseBootstrap: ${JSON.stringify(value)} cannot be an option-file value (it contains a line break)`);
    }
    return value;
}
