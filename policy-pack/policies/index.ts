// The pack's policy list. Importing this module has no side effects: the PolicyPack is only
// constructed in index.ts, so tests and the offline plan runner can evaluate these directly.
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DefinedPolicy } from "../lib/definePolicy";
import { withWaivers } from "../lib/waivers";
import { certificateValidity } from "./certificate-validity";
import { datadogMonitoring } from "./datadog-monitoring";
import { engineVersionSupported } from "./engine-version-supported";
import { encryptedVolumes } from "./encrypted-volumes";
import { firewallOnEveryServer } from "./firewall-on-every-server";
import { httpsOnlyFrontend } from "./https-only-frontend";
import { imdsv2Required } from "./imdsv2-required";
import { instanceRoleLeastPrivilege } from "./instance-role-least-privilege";
import { noIdenticalServerRoles } from "./no-identical-server-roles";
import { noPlaintextBackendTraffic } from "./no-plaintext-backend-traffic";
import { noPublicDatabase } from "./no-public-database";
import { noSecretsInUserData } from "./no-secrets-in-user-data";
import { noSingleDatabaseWriter } from "./no-single-database-writer";
import { noWorldOpenAdminPorts } from "./no-world-open-admin-ports";
import { rdsEncryptionAndBackups } from "./rds-encryption-and-backups";
import { tlsKeyStrength } from "./tls-key-strength";
import { userDataSizeLimit } from "./user-data-size-limit";

/** The policies before waivers are applied (tests exercise these directly). */
export const unwaivedPolicies: DefinedPolicy[] = [
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

export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = unwaivedPolicies.map((p) => withWaivers(p));
