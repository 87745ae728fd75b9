// Hardening: IMDSv1 lets any SSRF in the app read the instance role's credentials;
// requiring session tokens (IMDSv2) closes that path.
import { definePolicy } from "../lib/definePolicy";
import { obj, str } from "../lib/props";
import { assumedDefaults } from "../lib/providerDefaults";
import { SPOT_FLEET_REQUEST, spotFleetLaunchSpecifications } from "../lib/types";
import { isServerType } from "../lib/userData";

export const imdsv2Required = definePolicy({
    name: "imdsv2-required",
    category: "hardening",
    severity: "medium",
    description: `EC2 instances, launch templates, launch configurations, spot requests and spot fleets' inline launch specifications must require IMDSv2 (metadataOptions.httpTokens = "required"); EC2 Fleets and Auto Scaling groups launch from launch templates, judged as such.${assumedDefaults("imdsv2-required")}`,
    validateResource: (args, reportViolation) => {
        if (args.type === SPOT_FLEET_REQUEST) {
            // No metadataOptions input exists for inline specifications: IMDS takes its default.
            spotFleetLaunchSpecifications(args.props).forEach((_, i) =>
                reportViolation(
                    `${args.name}: launchSpecifications[${i}] cannot require IMDSv2 (a spot fleet's inline launch specification has no metadataOptions, so httpTokens defaults to "optional"). ` +
                        'Launch from a launch template with `metadataOptions: { httpTokens: "required" }` (`launchTemplateConfigs`) instead of `launchSpecifications`.',
                ),
            );
            return;
        }
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
            `${args.name}: instance metadata accepts IMDSv1 (metadataOptions.httpTokens is ${tokens === undefined ? 'not set, defaulting to "optional"' : `"${tokens}"`}). ` +
                `Set \`metadataOptions: { httpTokens: "required" }\`; the webstack program sets it on every server.`,
        );
    },
});
