export type DatabaseEngine = "mysql" | "mariadb";

export interface MysqlConfigSpec {
    engine: DatabaseEngine;
    role: "primary" | "replica";
    serverId: number;
    port: number;
    /** Address mysqld listens on (the server's private address). */
    bindAddress: string;
    tls: { caPath: string; certificatePath: string; keyPath: string };
}

/** Where each flavour's packaging reads extra server config from on Ubuntu and Debian. */
export function mysqlConfigPath(engine: DatabaseEngine): string {
    return engine === "mysql" ? "/etc/mysql/mysql.conf.d/60-webstack.cnf" : "/etc/mysql/mariadb.conf.d/60-webstack.cnf";
}

export function mysqlServerPackage(engine: DatabaseEngine): string {
    return engine === "mysql" ? "mysql-server" : "mariadb-server";
}

export function mysqlServiceName(engine: DatabaseEngine): string {
    return engine === "mysql" ? "mysql" : "mariadb";
}

/**
 * my.cnf fragment for a primary or a replica. Both flavours get binary logs, GTIDs and TLS
 * required on every connection; the replica is read-only. The two engines spell these
 * differently: MySQL 8.0 has gtid_mode/enforce_gtid_consistency and super_read_only,
 * MariaDB 10.11 always has GTIDs (gtid_strict_mode keeps them consistent) and no
 * super_read_only.
 */
export function renderMysqlConfig(spec: MysqlConfigSpec): string {
    const replica = spec.role === "replica";
    const common = [
        `# Rendered by webstack (renderMysqlConfig): ${spec.engine} ${spec.role}.`,
        "[mysqld]",
        `server_id = ${spec.serverId}`,
        `bind_address = ${spec.bindAddress}`,
        `port = ${spec.port}`,
        "log_bin = mysql-bin",
        "binlog_format = ROW",
        "max_binlog_size = 100M",
        "skip_name_resolve = ON",
        `ssl_ca = ${spec.tls.caPath}`,
        `ssl_cert = ${spec.tls.certificatePath}`,
        `ssl_key = ${spec.tls.keyPath}`,
        "require_secure_transport = ON",
        "tls_version = TLSv1.2,TLSv1.3",
    ];
    const engineSpecific =
        spec.engine === "mysql"
            ? [
                  "gtid_mode = ON",
                  "enforce_gtid_consistency = ON",
                  "binlog_expire_logs_seconds = 604800",
                  ...(replica ? ["read_only = ON", "super_read_only = ON", "relay_log = relay-bin", "log_replica_updates = ON"] : ["read_only = OFF"]),
              ]
            : [
                  "gtid_strict_mode = ON",
                  "expire_logs_days = 7",
                  ...(replica ? ["read_only = ON", "relay_log = relay-bin", "log_slave_updates = ON"] : ["read_only = OFF"]),
              ];
    return [...common, ...engineSpecific, ""].join("\n");
}
