// Hardening: secrets never appear in user data (see lib/secrets.ts for why).
import { definePolicy } from "../lib/definePolicy";
import { findSecrets } from "../lib/secrets";
import { BUCKET_OBJECT_TYPES, readBundleObject } from "../lib/serverFiles";
import { SPOT_FLEET_REQUEST, spotFleetLaunchSpecifications } from "../lib/types";
import { allTexts, isServerType, readUserData } from "../lib/userData";

export const noSecretsInUserData = definePolicy({
    name: "no-secrets-in-user-data",
    category: "hardening",
    severity: "high",
    description: "User data, and the configuration bundles servers fetch from S3, must not contain private keys, access keys, API keys or literal passwords.",
    validateResource: (args, reportViolation) => {
        const bundle = BUCKET_OBJECT_TYPES.includes(args.type);
        if (args.type === SPOT_FLEET_REQUEST) {
            spotFleetLaunchSpecifications(args.props).forEach((spec, i) => {
                const ud = readUserData(spec);
                const secrets = ud ? findSecrets(allTexts(ud)) : [];
                if (secrets.length > 0) {
                    reportViolation(
                        `${args.name}: launchSpecifications[${i}].userData contains ${secrets.map((s) => s.detail).join(", ")}; user data is readable through the EC2 API and IMDS. ` +
                            "Store the value in SSM Parameter Store (SecureString) or Secrets Manager and fetch it at boot with the instance role; remove it from `userData`.",
                    );
                }
            });
            return;
        }
        if (!isServerType(args.type) && !bundle) {
            return;
        }
        const ud = bundle ? readBundleObject(args.props) : readUserData(args.props);
        if (!ud) {
            return;
        }
        const secrets = findSecrets(allTexts(ud));
        if (secrets.length > 0) {
            reportViolation(
                `${args.name}: ${bundle ? "configuration bundle" : "user data"} contains ${secrets.map((s) => s.detail).join(", ")}; ` +
                    `${bundle ? "the object is readable by every principal its bucket policy and their IAM policies allow, and stays in its old versions" : "user data is readable through the EC2 API and IMDS"}. ` +
                    `Store the value in SSM Parameter Store (SecureString) or Secrets Manager and fetch it on the server with the instance role ` +
                    `(the webstack program's applier, /usr/local/sbin/webstack-apply, does this); remove it from \`${bundle ? "content" : "userData"}\`.`,
            );
        }
    },
});
