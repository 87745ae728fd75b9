// Documented weakness #3: every server carries web/app and database together, so one
// vulnerable component hits every server and tiers cannot be sized or firewalled apart.
import { StackValidationPolicy } from "@pulumi/policy";
import { policySchema } from "../lib/configSchema";
import { serverRoles } from "../lib/serverRoles";
import { EC2_INSTANCE } from "../lib/types";
import { readUserData } from "../lib/userData";

export const noIdenticalServerRoles: StackValidationPolicy = {
    name: "no-identical-server-roles",
    description: "Web/app and database tiers must run on separate servers.",
    enforcementLevel: "advisory",
    configSchema: policySchema({}),
    validateStack: (args, reportViolation) => {
        const mixed = args.resources
            .filter(r => r.type === EC2_INSTANCE)
            .map(r => ({ r, ud: readUserData(r.props) }))
            .filter(x => x.ud !== undefined)
            .map(x => ({ r: x.r, roles: serverRoles(x.ud!) }))
            .filter(x => (x.roles.web || x.roles.app) && x.roles.database);
        if (mixed.length < 2) {
            return;
        }
        const names = mixed.map(m => m.r.name);
        for (const m of mixed) {
            const components = [m.roles.web && "web (nginx)", m.roles.app && "app (webstack-app)", "database (MySQL/MariaDB)"].filter(Boolean).join(" + ");
            reportViolation(
                `${m.r.name}: runs ${components} on the same server, like ${names.filter(n => n !== m.r.name).join(", ")}; ` +
                `one vulnerable component compromises every server and tiers cannot be scaled or firewalled separately. ` +
                `For the webstack program set webstack:database.placement to "dedicated" or "rds"; otherwise move the database to its own servers.`,
                m.r.urn,
            );
        }
    },
};
