// Hardening: administrative and database ports must never be reachable from the whole
// internet. 80/443 open to the world is how a website works and is not flagged.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { isWorldCidr, sensitivePortsOpened } from "../lib/cidr";
import { policySchema, withDefaults } from "../lib/configSchema";
import { arr, obj, str } from "../lib/props";
import { SECURITY_GROUP, SECURITY_GROUP_INGRESS_RULE, SECURITY_GROUP_RULE } from "../lib/types";

const schema = policySchema({
    sensitivePorts: {
        type: "array",
        items: { type: "integer", minimum: 0, maximum: 65535 },
        default: [22, 3306, 3389],
        description: "Ports that must not be open to 0.0.0.0/0 or ::/0 (SSH, MySQL, RDP by default).",
    },
});

interface Config {
    sensitivePorts: number[];
}

function worldCidrs(cidrs: unknown[]): string[] {
    return cidrs.filter(isWorldCidr) as string[];
}

export const noWorldOpenAdminPorts: ResourceValidationPolicy = {
    name: "no-world-open-admin-ports",
    description: "Security groups must not open SSH, MySQL, RDP or all ports to 0.0.0.0/0 or ::/0.",
    enforcementLevel: "advisory",
    configSchema: schema,
    validateResource: (args, reportViolation) => {
        const cfg = withDefaults<Config>(schema, args.getConfig());
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
            (arr(args.props.ingress) ?? []).forEach((rule, i) => {
                const r = obj(rule);
                if (!r) {
                    return;
                }
                const cidrs = worldCidrs([...(arr(r.cidrBlocks) ?? []), ...(arr(r.ipv6CidrBlocks) ?? [])]);
                check(`ingress[${i}]`, r.protocol, r.fromPort, r.toPort, cidrs, "Restrict its `cidrBlocks`/`ipv6CidrBlocks` (or use `securityGroups`).");
            });
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
};
