/**
 * Self-managed databases run Debian's MariaDB (Debian 13: MariaDB 11.8; Debian's
 * default-mysql-server is MariaDB). The MySQL 8 flavour was removed: Debian ships no MySQL
 * server, so it could never be booted where we rehearse, and it hid real bugs.
 */
export const MARIADB_PACKAGE = "mariadb-server";
export const MARIADB_SERVICE = "mariadb";
/** Where Debian's MariaDB packaging reads extra server config from (after 50-server.cnf). */
export const MARIADB_CONFIG_PATH = "/etc/mysql/mariadb.conf.d/60-webstack.cnf";

export interface MysqlConfigSpec {
    role: "primary" | "replica";
    serverId: number;
    port: number;
    /** Address mariadbd listens on (the server's private address). */
    bindAddress: string;
    tls: { caPath: string; certificatePath: string; keyPath: string };
}

/**
 * my.cnf fragment for a MariaDB primary or replica: binary logs with GTIDs kept strict,
 * TLS 1.2+ required on every connection, the replica read-only.
 */
export function renderMysqlConfig(spec: MysqlConfigSpec): string {
    const replica = spec.role === "replica";
    return [
        `# Rendered by webstack (renderMysqlConfig): mariadb ${spec.role}.`,
        "[mysqld]",
        `server_id = ${integer(spec.serverId)}`,
        `bind_address = ${optionValue(spec.bindAddress)}`,
        `port = ${integer(spec.port)}`,
        "log_bin = mysql-bin",
        "binlog_format = ROW",
        "max_binlog_size = 100M",
        "binlog_expire_logs_seconds = 604800",
        "gtid_strict_mode = ON",
        "skip_name_resolve = ON",
        `ssl_ca = ${optionValue(spec.tls.caPath)}`,
        `ssl_cert = ${optionValue(spec.tls.certificatePath)}`,
        `ssl_key = ${optionValue(spec.tls.keyPath)}`,
        "require_secure_transport = ON",
        "tls_version = TLSv1.2,TLSv1.3",
        ...(replica ? ["read_only = ON", "relay_log = relay-bin", "log_slave_updates = ON"] : ["read_only = OFF"]),
        "",
    ].join("\n");
}

/** An option-file value is the rest of its line: refuse anything that could start another. */
function optionValue(value: string): string {
    if (!/^[A-Za-z0-9_./:-]+$/.test(value)) {
        throw new Error(`renderMysqlConfig: ${JSON.stringify(value)} is not a plain path or address`);
    }
    return value;
}

function integer(value: number): number {
    if (!Number.isInteger(value) || value < 0) {
        throw new Error(`renderMysqlConfig: ${value} is not a non-negative integer`);
    }
    return value;
}
