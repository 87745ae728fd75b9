// Hardening: administrative and database ports must never be reachable from the whole
// internet. 80/443 open to the world is how a website works and is not flagged.
import { canonicalIpv4Cidr, isWorldCidr, sensitivePortsOpened, unionCoversInternet } from "../lib/cidr";
import { definePolicy } from "../lib/definePolicy";
import { arr, obj, str } from "../lib/props";
import { SECURITY_GROUP, SECURITY_GROUP_INGRESS_RULE, SECURITY_GROUP_RULE } from "../lib/types";

/**
 * The CIDRs that open a rule to the whole internet: a /0, or IPv4 blocks whose union is every
 * address (0.0.0.0/1 + 128.0.0.0/1 admits exactly what 0.0.0.0/0 does).
 */
function worldCidrs(cidrs: unknown[]): string[] {
    const strings = cidrs.filter((c): c is string => typeof c === "string");
    const world = strings.filter(isWorldCidr);
    if (world.length > 0) {
        return world;
    }
    const ipv4 = strings.filter((c) => canonicalIpv4Cidr(c) !== undefined);
    return unionCoversInternet(ipv4) ? ipv4 : [];
}

export const noWorldOpenAdminPorts = definePolicy({
    name: "no-world-open-admin-ports",
    category: "hardening",
    severity: "high",
    description: "Security groups must not open SSH, MySQL, RDP or all ports to 0.0.0.0/0 or ::/0.",
    settings: {
        sensitivePorts: {
            type: "array",
            items: { type: "integer", minimum: 0, maximum: 65535 },
            default: [22, 3306, 3389],
            description: "Ports that must not be open to 0.0.0.0/0 or ::/0 (SSH, MySQL, RDP by default).",
        },
    },
    validateResource: (args, reportViolation, settings) => {
        const cfg = settings();
        const check = (where: string, protocol: unknown, from: unknown, to: unknown, cidrs: string[], fix: string) => {
            if (cidrs.length === 0) {
                return;
            }
            const ports = sensitivePortsOpened(protocol, from, to, cfg.sensitivePorts);
            if (ports.length > 0) {
                reportViolation(
                    `${args.name}: ${where} opens port(s) ${ports.join(", ")} (protocol ${String(protocol)}) to ${cidrs.join(", ")}. ${fix} ` +
                        `The webstack program only admits admin traffic from webstack:adminCidrs / inside the VPC.`,
                );
            }
        };
        if (args.type === SECURITY_GROUP) {
            const rules = (arr(args.props.ingress) ?? []).map(obj).filter((r): r is Record<string, unknown> => r !== undefined);
            rules.forEach((r, i) => {
                const cidrs = worldCidrs([...(arr(r.cidrBlocks) ?? []), ...(arr(r.ipv6CidrBlocks) ?? [])]);
                check(`ingress[${i}]`, r.protocol, r.fromPort, r.toPort, cidrs, "Restrict its `cidrBlocks`/`ipv6CidrBlocks` (or use `securityGroups`).");
            });
            // Rules that each open a port to part of the internet can open it to all of it together.
            for (const port of cfg.sensitivePorts) {
                // Only rules with IPv4 blocks of their own take part (a rule naming only security groups or IPv6 blocks adds no address).
                const opening = rules.filter((r) => {
                    const blocks = (arr(r.cidrBlocks) ?? []).filter((c) => typeof c === "string");
                    return blocks.length > 0 && sensitivePortsOpened(r.protocol, r.fromPort, r.toPort, [port]).length > 0 && worldCidrs(blocks).length === 0;
                });
                const cidrs = worldCidrs(opening.flatMap((r) => arr(r.cidrBlocks) ?? []));
                if (opening.length > 1 && cidrs.length > 0) {
                    reportViolation(
                        `${args.name}: ingress rules ${opening.map((r) => `[${rules.indexOf(r)}]`).join(", ")} together open port ${port} to every IPv4 address (${cidrs.join(", ")}). ` +
                            "Restrict their `cidrBlocks`. The webstack program only admits admin traffic from webstack:adminCidrs / inside the VPC.",
                    );
                }
            }
        } else if (args.type === SECURITY_GROUP_RULE) {
            if (str(args.props.type) !== "ingress") {
                return;
            }
            const cidrs = worldCidrs([...(arr(args.props.cidrBlocks) ?? []), ...(arr(args.props.ipv6CidrBlocks) ?? [])]);
            check("ingress rule", args.props.protocol, args.props.fromPort, args.props.toPort, cidrs, "Restrict `cidrBlocks`/`ipv6CidrBlocks` or use `sourceSecurityGroupId`.");
        } else if (args.type === SECURITY_GROUP_INGRESS_RULE) {
            const cidrs = worldCidrs([args.props.cidrIpv4, args.props.cidrIpv6]);
            check("ingress rule", args.props.ipProtocol, args.props.fromPort, args.props.toPort, cidrs, "Restrict `cidrIpv4`/`cidrIpv6` or use `referencedSecurityGroupId`.");
        }
    },
});
