// Hardening: IMDSv1 lets any SSRF in the app read the instance role's credentials;
// requiring session tokens (IMDSv2) closes that path.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { policySchema } from "../lib/configSchema";
import { obj, str } from "../lib/props";
import { assumedDefaults } from "../lib/providerDefaults";
import { isServerType } from "../lib/userData";

export const imdsv2Required: ResourceValidationPolicy = {
    name: "imdsv2-required",
    description: `EC2 instances, launch templates, launch configurations and spot requests must require IMDSv2 (metadataOptions.httpTokens = "required").${assumedDefaults("imdsv2-required")}`,
    enforcementLevel: "advisory",
    configSchema: policySchema({}),
    validateResource: (args, reportViolation) => {
        if (!isServerType(args.type)) {
            return;
        }
        const raw = args.props.metadataOptions;
        const options = obj(raw);
        if (raw !== undefined && !options) {
            return; // unresolved placeholder
        }
        const tokens = str(options?.httpTokens);
        const endpoint = str(options?.httpEndpoint);
        if (endpoint === "disabled" || tokens === "required") {
            return;
        }
        if (options && options.httpTokens !== undefined && tokens === undefined) {
            return; // unknown
        }
        reportViolation(
            `${args.name}: instance metadata accepts IMDSv1 (metadataOptions.httpTokens is ${tokens === undefined ? "not set, defaulting to \"optional\"" : `"${tokens}"`}). ` +
            `Set \`metadataOptions: { httpTokens: "required" }\`; the webstack program sets it on every server.`,
        );
    },
};
