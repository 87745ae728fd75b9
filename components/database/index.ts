// Amazon RDS for MySQL (placement rds); self-managed databases are servers (components/servers).
export { finalSnapshotIdentifier, ManagedDatabase, RDS_ENGINE_VERSION, RDS_MASTER_USERNAME, RDS_PARAMETER_FAMILY } from "./managedDatabase";
export type { ManagedDatabaseArgs, ManagedDatabaseSettings } from "./managedDatabase";
