// Documented weakness #3: every server carries web/app and database together, so one
// vulnerable component hits every server and tiers cannot be sized or firewalled apart.
import { definePolicy } from "../lib/definePolicy";
import { serverRoles } from "../lib/serverRoles";
import { ofType } from "../lib/resourceIndex";
import { EC2_INSTANCE } from "../lib/types";
import { readServerFiles } from "../lib/serverFiles";

/** Names in each finding, at most: listing every other mixed server made each message (and the run) grow with the stack. */
export const MAX_NAMED_OTHERS = 3;

/** "a, b" or "a, b, c and 7 other servers": the other mixed servers, a few by name. */
export function othersLike(names: string[], self: string): string {
    const others = names.filter((n) => n !== self);
    const named = others.slice(0, MAX_NAMED_OTHERS).join(", ");
    const rest = others.length - MAX_NAMED_OTHERS;
    return rest > 0 ? `${named} and ${rest} other server${rest === 1 ? "" : "s"}` : named;
}

export const noIdenticalServerRoles = definePolicy({
    name: "no-identical-server-roles",
    category: "documented-weakness",
    severity: "high",
    description: "Web/app and database tiers must run on separate servers.",
    validateStack: (args, reportViolation) => {
        const mixed = ofType(args.resources, EC2_INSTANCE)
            .map((r) => ({ r, ud: readServerFiles(r, args.resources) }))
            .filter((x) => x.ud !== undefined)
            .map((x) => ({ r: x.r, roles: serverRoles(x.ud!) }))
            .filter((x) => (x.roles.web || x.roles.app) && x.roles.database);
        if (mixed.length < 2) {
            return;
        }
        for (const m of mixed) {
            const components = [m.roles.web && "web (nginx)", m.roles.app && "app (webstack-app)", "database (MySQL/MariaDB)"].filter(Boolean).join(" + ");
            reportViolation(
                `${m.r.name}: runs ${components} on the same server, like ${othersLike(
                    mixed.map((x) => x.r.name),
                    m.r.name,
                )}; ` +
                    `one vulnerable component compromises every server and tiers cannot be scaled or firewalled separately. ` +
                    `For the webstack program set webstack:database.placement to "dedicated" or "rds"; otherwise move the database to its own servers.`,
                m.r.urn,
            );
        }
    },
});
