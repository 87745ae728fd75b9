// Reference design control: one firewall per server — an AWS security group in front of it
// and a default-deny host firewall on it, so a mistake in one layer is caught by the other.
import { eachResource } from "../lib/eachResource";
import { definePolicy } from "../lib/definePolicy";
import { arr } from "../lib/props";
import { EC2_INSTANCE } from "../lib/types";
import { allTexts, fileContent, UserData } from "../lib/userData";

/** nftables: an input chain with `policy drop`, loaded at boot (enabled service or nft -f). */
function nftablesDefaultDeny(ud: UserData): boolean {
    const conf = ud.kind === "cloud-config" ? (fileContent(ud, "/etc/nftables.conf") ?? "") : ud.text;
    const dropInput = /hook\s+input\b[^}]*?policy\s+drop/s.test(conf);
    const commands = ud.kind === "cloud-config" ? ud.runcmd.join("\n") : ud.text;
    const loaded = /systemctl\s+(enable|restart|start)\b[^\n]*\bnftables\b/.test(commands) || /\bnft\s+-f\b/.test(commands);
    return dropInput && loaded;
}

/** ufw: default deny incoming and the firewall enabled. */
function ufwDefaultDeny(ud: UserData): boolean {
    const text = allTexts(ud).join("\n");
    return /\bufw\s+default\s+deny(\s+incoming)?\b/.test(text) && /\bufw\s+(--force\s+)?enable\b/.test(text);
}

export function hostFirewallEnabled(ud: UserData): boolean {
    return nftablesDefaultDeny(ud) || ufwDefaultDeny(ud);
}

export const firewallOnEveryServer = definePolicy({
    name: "firewall-on-every-server",
    category: "design-control",
    severity: "medium",
    description: "Every server has a security group and a default-deny host firewall.",
    validateStack: eachResource((args, reportViolation) => {
        if (args.type !== EC2_INSTANCE) {
            return;
        }
        const sgValues = [args.props.vpcSecurityGroupIds, args.props.securityGroups];
        const hasSg = sgValues.some((v) => (arr(v)?.length ?? 0) > 0);
        // A present but non-array value is an unresolved placeholder: cannot tell, so no finding.
        const unresolved = sgValues.some((v) => v !== undefined && v !== null && !Array.isArray(v));
        if (!hasSg && !unresolved) {
            reportViolation(
                `${args.name}: instance has no security group of its own (it falls back to the VPC default group). ` +
                    `Set \`vpcSecurityGroupIds\` to a dedicated group; the webstack program gives every server one.`,
            );
        }
        const ud = args.files;
        if (ud && !hostFirewallEnabled(ud)) {
            reportViolation(
                `${args.name}: user data and configuration bundle do not enable a default-deny host firewall. Write /etc/nftables.conf with an input chain ` +
                    `\`policy drop;\` and run \`systemctl enable --now nftables\` (or \`ufw default deny incoming\` + \`ufw --force enable\`); ` +
                    `the webstack program renders this for every server.`,
            );
        }
    }),
});
