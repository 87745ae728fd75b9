// Hardening: EBS volumes hold the database files and TLS keys; unencrypted volumes and
// snapshots leak them to anyone who can copy a snapshot.
import { definePolicy } from "../lib/definePolicy";
import { arr, bool, obj } from "../lib/props";
import { assumedDefaults } from "../lib/providerDefaults";
import { EBS_VOLUME, INSTANCE_SHAPED, LAUNCH_TEMPLATE, SPOT_FLEET_REQUEST, spotFleetLaunchSpecifications } from "../lib/types";

/** Absent means the AWS default (unencrypted); a value we cannot read as a boolean is unknown, not a finding. */
function notEncrypted(value: unknown): boolean {
    return value === undefined || bool(value) === false;
}

export const encryptedVolumes = definePolicy({
    name: "encrypted-volumes",
    category: "hardening",
    severity: "medium",
    description: `EBS volumes (root and data volumes of instances, launch templates, launch configurations, spot requests and spot fleets' inline launch specifications; standalone volumes) must be encrypted; EC2 Fleets, Auto Scaling groups and spot fleets' launchTemplateConfigs launch from launch templates or launch configurations, judged as such (their overrides carry no block devices).${assumedDefaults("encrypted-volumes")}`,
    validateResource: (args, reportViolation) => {
        const p = args.props;
        if (INSTANCE_SHAPED.includes(args.type)) {
            const root = obj(p.rootBlockDevice);
            // No rootBlockDevice at all means AWS's default: an unencrypted root volume.
            if (p.rootBlockDevice === undefined || (root && notEncrypted(root.encrypted))) {
                reportViolation(`${args.name}: the root volume is not encrypted. Set \`rootBlockDevice: { encrypted: true }\`; the webstack program encrypts every server's root volume.`);
            }
            (arr(p.ebsBlockDevices) ?? []).forEach((d, i) => {
                const dev = obj(d);
                if (dev && notEncrypted(dev.encrypted)) {
                    reportViolation(`${args.name}: ebsBlockDevices[${i}] (${String(dev.deviceName ?? "?")}) is not encrypted. Set \`encrypted: true\` on it.`);
                }
            });
        } else if (args.type === LAUNCH_TEMPLATE) {
            // No mappings at all: every instance launched from the template (by EC2 Fleets and
            // Auto Scaling groups too) gets the AMI's root mapping, as an instance without rootBlockDevice does.
            const mappings = arr(p.blockDeviceMappings);
            if (p.blockDeviceMappings === undefined || mappings?.length === 0) {
                reportViolation(
                    `${args.name}: blockDeviceMappings is not set, so every instance launched from this template gets the AMI's root volume, not encrypted. Add a mapping for the AMI's root device (e.g. \`{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }\`).`,
                );
            }
            (mappings ?? []).forEach((m, i) => {
                const ebs = obj(obj(m)?.ebs);
                if (ebs && notEncrypted(ebs.encrypted)) {
                    reportViolation(`${args.name}: blockDeviceMappings[${i}].ebs is not encrypted. Set \`ebs: { encrypted: "true" }\`.`);
                }
            });
        } else if (args.type === SPOT_FLEET_REQUEST) {
            spotFleetLaunchSpecifications(p).forEach((spec, i) => {
                const at = `launchSpecifications[${i}]`;
                // rootBlockDevices is a list here. Absent or empty, the provider sends no root
                // mapping and the AMI's (unencrypted) root applies; an unknown value is not a finding.
                const roots = arr(spec.rootBlockDevices);
                if (spec.rootBlockDevices === undefined || roots?.length === 0) {
                    reportViolation(`${args.name}: ${at}.rootBlockDevices is not set, so the root volume is the AMI's and not encrypted. Set \`rootBlockDevices: [{ encrypted: true }]\` on ${at}.`);
                }
                (roots ?? []).forEach((r, j) => {
                    const root = obj(r);
                    if (root && notEncrypted(root.encrypted)) {
                        reportViolation(
                            `${args.name}: ${at}.rootBlockDevices[${j}].encrypted is ${root.encrypted === undefined ? "not set" : "false"}, so the root volume is not encrypted. Set \`encrypted: true\` on it.`,
                        );
                    }
                });
                (arr(spec.ebsBlockDevices) ?? []).forEach((d, j) => {
                    const dev = obj(d);
                    if (dev && notEncrypted(dev.encrypted)) {
                        reportViolation(
                            `${args.name}: ${at}.ebsBlockDevices[${j}].encrypted is ${dev.encrypted === undefined ? "not set" : "false"}, so the data volume ${String(dev.deviceName ?? "?")} is not encrypted. Set \`encrypted: true\` on it.`,
                        );
                    }
                });
            });
        } else if (args.type === EBS_VOLUME) {
            if (notEncrypted(p.encrypted)) {
                reportViolation(`${args.name}: EBS volume is not encrypted. Set \`encrypted: true\` on the aws.ebs.Volume.`);
            }
        }
    },
});
