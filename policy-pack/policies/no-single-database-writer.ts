// Documented weakness #2: a single database server accepts writes — a single point of
// failure for writes. Resolved by managed failover (RDS Multi-AZ, an Aurora cluster with a
// standby instance) or a replicated set of writers.
import { definePolicy } from "../lib/definePolicy";
import { bool, str } from "../lib/props";
import { ofType } from "../lib/resourceIndex";
import { serverRoles } from "../lib/serverRoles";
import { EC2_INSTANCE, RDS_CLUSTER, RDS_CLUSTER_INSTANCE, RDS_INSTANCE } from "../lib/types";
import { readServerFiles } from "../lib/serverFiles";

const FIX = 'For the webstack program set webstack:database.placement to "rds"';

export const noSingleDatabaseWriter = definePolicy({
    name: "no-single-database-writer",
    category: "documented-weakness",
    severity: "high",
    description: "The stack's database must not depend on a single writable server.",
    validateStack: (args, reportViolation) => {
        // Self-managed MySQL/MariaDB: a server is a writer unless its server config sets read_only.
        const known = ofType(args.resources, EC2_INSTANCE).map((r) => {
            const ud = readServerFiles(r, args.resources);
            return { r, ud, roles: ud && serverRoles(ud) };
        });
        // An instance whose user data is unknown could be a second writer: do not guess.
        const allKnown = known.every((k) => k.ud !== undefined);
        const writers = known.filter((k) => k.roles?.databaseWriter).map((k) => k.r);
        if (allKnown && writers.length === 1) {
            const w = writers[0];
            const replicas = known.filter((k) => k.roles?.database && !k.roles.databaseWriter).map((k) => k.r.name);
            reportViolation(
                `${w.name}: the only writable MySQL/MariaDB server in the stack (no read_only in /etc/mysql/**/*.cnf)` +
                    `${replicas.length > 0 ? `; ${replicas.join(", ")} ${replicas.length === 1 ? "is a read-only replica" : "are read-only replicas"} and cannot take writes` : ""}. ` +
                    `If it fails, writes stop. ${FIX}, or run a replicated writer set (group replication / Galera) on at least two servers.`,
                w.urn,
            );
        }

        // RDS instances: Multi-AZ gives a synchronous standby with automatic failover.
        for (const db of ofType(args.resources, RDS_INSTANCE)) {
            if (str(db.props.replicateSourceDb)) {
                continue; // a read replica is not a writer
            }
            if (bool(db.props.multiAz) !== true) {
                reportViolation(
                    `${db.name}: RDS instance is a single writer without a standby (multiAz is ${db.props.multiAz === undefined ? "not set" : "false"}). ` +
                        `${FIX} (the program enables Multi-AZ); for other stacks set \`multiAz: true\` on the aws.rds.Instance.`,
                    db.urn,
                );
            }
        }

        // Aurora clusters: failover needs a second instance in the cluster.
        const clusterInstances = ofType(args.resources, RDS_CLUSTER_INSTANCE);
        for (const cluster of ofType(args.resources, RDS_CLUSTER)) {
            // Multi-AZ DB clusters (dbClusterInstanceClass) and serverless v1 manage their own instances.
            if (str(cluster.props.dbClusterInstanceClass) || str(cluster.props.engineMode) === "serverless") {
                continue;
            }
            const ids = [str(cluster.props.clusterIdentifier), str(cluster.props.id)].filter((x): x is string => !!x);
            if (ids.length === 0) {
                continue; // identifier unknown: cannot match members
            }
            const members = clusterInstances.filter((ci) => ids.includes(str(ci.props.clusterIdentifier) ?? ""));
            if (members.length <= 1) {
                reportViolation(
                    `${cluster.name}: RDS cluster has ${members.length} cluster instance(s), so there is no standby to fail over to. ` +
                        `${FIX}; for other stacks add a second aws.rds.ClusterInstance with \`clusterIdentifier\` set to this cluster.`,
                    cluster.urn,
                );
            }
        }
    },
});
