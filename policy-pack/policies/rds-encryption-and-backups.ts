// Hardening: database storage must be encrypted at rest and backed up long enough to
// recover from a bad deploy or data corruption noticed late.
import { definePolicy } from "../lib/definePolicy";
import { bool, num, str } from "../lib/props";
import { assumedDefaults } from "../lib/providerDefaults";
import { RDS_CLUSTER, RDS_INSTANCE } from "../lib/types";

export const rdsEncryptionAndBackups = definePolicy({
    name: "rds-encryption-and-backups",
    category: "hardening",
    severity: "medium",
    description: `RDS instances and clusters must encrypt storage and keep automated backups.${assumedDefaults("rds-encryption-and-backups")}`,
    settings: {
        minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "Minimum automated backup retention, in days." },
    },
    validateResource: (args, reportViolation, settings) => {
        if (args.type !== RDS_INSTANCE && args.type !== RDS_CLUSTER) {
            return;
        }
        const cfg = settings();
        const kind = args.type === RDS_INSTANCE ? "aws.rds.Instance" : "aws.rds.Cluster";
        const isReplica = args.type === RDS_INSTANCE && str(args.props.replicateSourceDb) !== undefined;
        const encryptedRaw = args.props.storageEncrypted;
        // Replicas inherit encryption from their source when not set explicitly.
        if (!(isReplica && encryptedRaw === undefined) && (encryptedRaw === undefined || bool(encryptedRaw) === false)) {
            reportViolation(`${args.name}: storage is not encrypted at rest. Set \`storageEncrypted: true\` on the ${kind} (the webstack program does for database.placement "rds").`);
        }
        if (isReplica) {
            return; // backups are taken from the source
        }
        const raw = args.props.backupRetentionPeriod;
        // AWS's API default is 1 day.
        const days = raw === undefined ? 1 : num(raw);
        if (days !== undefined && days < cfg.minBackupRetentionDays) {
            reportViolation(
                `${args.name}: automated backups are kept ${days} day(s), below the minimum ${cfg.minBackupRetentionDays}. ` +
                    `Set \`backupRetentionPeriod\` to at least ${cfg.minBackupRetentionDays} on the ${kind}.`,
            );
        }
    },
});
