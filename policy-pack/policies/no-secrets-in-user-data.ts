// Hardening: secrets never appear in user data (see lib/secrets.ts for why).
import { ResourceValidationPolicy } from "@pulumi/policy";
import { policySchema } from "../lib/configSchema";
import { findSecrets } from "../lib/secrets";
import { allTexts, isServerType, readUserData } from "../lib/userData";

export const noSecretsInUserData: ResourceValidationPolicy = {
    name: "no-secrets-in-user-data",
    description: "User data must not contain private keys, access keys, API keys or literal passwords.",
    enforcementLevel: "advisory",
    configSchema: policySchema({}),
    validateResource: (args, reportViolation) => {
        if (!isServerType(args.type)) {
            return;
        }
        const ud = readUserData(args.props);
        if (!ud) {
            return;
        }
        const secrets = findSecrets(allTexts(ud));
        if (secrets.length > 0) {
            reportViolation(
                `${args.name}: user data contains ${secrets.map(s => s.detail).join(", ")}; user data is readable through the EC2 API and IMDS. ` +
                `Store the value in SSM Parameter Store (SecureString) or Secrets Manager and fetch it at boot with the instance role ` +
                `(the webstack program's /usr/local/sbin/webstack-fetch-secrets does this); remove it from \`userData\`.`,
            );
        }
    },
};
