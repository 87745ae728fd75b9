// The pack's policy list. Importing this module has no side effects: the PolicyPack is only
// constructed in index.ts, so tests and the offline plan runner can evaluate these directly.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withWaivers } from "./lib/waivers";
import { certificateValidity } from "./policies/certificate-validity";
import { datadogMonitoring } from "./policies/datadog-monitoring";
import { engineVersionSupported } from "./policies/engine-version-supported";
import { encryptedVolumes } from "./policies/encrypted-volumes";
import { firewallOnEveryServer } from "./policies/firewall-on-every-server";
import { httpsOnlyFrontend } from "./policies/https-only-frontend";
import { imdsv2Required } from "./policies/imdsv2-required";
import { instanceRoleLeastPrivilege } from "./policies/instance-role-least-privilege";
import { noIdenticalServerRoles } from "./policies/no-identical-server-roles";
import { noPlaintextBackendTraffic } from "./policies/no-plaintext-backend-traffic";
import { noPublicDatabase } from "./policies/no-public-database";
import { noSecretsInUserData } from "./policies/no-secrets-in-user-data";
import { noSingleDatabaseWriter } from "./policies/no-single-database-writer";
import { noWorldOpenAdminPorts } from "./policies/no-world-open-admin-ports";
import { rdsEncryptionAndBackups } from "./policies/rds-encryption-and-backups";
import { tlsKeyStrength } from "./policies/tls-key-strength";
import { userDataSizeLimit } from "./policies/user-data-size-limit";

/** The policies before waivers are applied (tests exercise these directly). */
export const unwaivedPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    // The reference design's documented weaknesses.
    noPlaintextBackendTraffic,
    noSingleDatabaseWriter,
    noIdenticalServerRoles,
    // The reference design's own controls.
    httpsOnlyFrontend,
    firewallOnEveryServer,
    datadogMonitoring,
    // Hardening.
    noWorldOpenAdminPorts,
    imdsv2Required,
    encryptedVolumes,
    noPublicDatabase,
    tlsKeyStrength,
    certificateValidity,
    noSecretsInUserData,
    rdsEncryptionAndBackups,
    instanceRoleLeastPrivilege,
    // Hard limits and lifecycles AWS enforces.
    userDataSizeLimit,
    engineVersionSupported,
];

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = unwaivedPolicies.map(p => withWaivers(p));
