// Hardening: a database must not have a public address; only the app tier talks to it.
import { eachResource } from "../lib/eachResource";
import { definePolicy } from "../lib/definePolicy";
import { arr, bool, obj } from "../lib/props";
import { assumedDefaults } from "../lib/providerDefaults";
import { serverRoles } from "../lib/serverRoles";
import { EC2_INSTANCE, LAUNCH_TEMPLATE, RDS_INSTANCE } from "../lib/types";

export const noPublicDatabase = definePolicy({
    name: "no-public-database",
    category: "hardening",
    severity: "high",
    description: `Databases (RDS or MySQL/MariaDB on EC2) must not be publicly addressable.${assumedDefaults("no-public-database")}`,
    validateStack: eachResource((args, reportViolation) => {
        if (args.type === RDS_INSTANCE) {
            if (bool(args.props.publiclyAccessible) === true) {
                reportViolation(`${args.name}: RDS instance is publicly accessible. Set \`publiclyAccessible: false\`; the webstack program keeps the database in private subnets.`);
            }
            return;
        }
        if (args.type !== EC2_INSTANCE && args.type !== LAUNCH_TEMPLATE) {
            return;
        }
        const ud = args.files;
        if (!ud || !serverRoles(ud).database) {
            return;
        }
        const publicIp =
            args.type === EC2_INSTANCE ? bool(args.props.associatePublicIpAddress) === true : (arr(args.props.networkInterfaces) ?? []).some((n) => bool(obj(n)?.associatePublicIpAddress) === true);
        if (publicIp) {
            reportViolation(
                `${args.name}: runs MySQL/MariaDB (from its user data) and gets a public IP address. Set \`associatePublicIpAddress: false\` ` +
                    `and place it in a private subnet; for the webstack program set webstack:database.placement to "dedicated" or "rds".`,
            );
        }
    }),
});
