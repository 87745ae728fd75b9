import * as ipaddr from "ipaddr.js";
import { GroupRule, Instance } from "./plan";

/** One flow the security groups let through: source → destination on a TCP port range. */
export interface AllowedFlow {
    fromIp: string;
    toIp: string;
    /** Inclusive TCP port range; undefined for "all traffic" rules. */
    ports?: [number, number];
    why: string;
}

const inCidr = (ip: string, cidr: string) => ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));

function intersect(a: GroupRule, b?: [number, number]): [number, number] | undefined | null {
    const mine: [number, number] | undefined = a.protocol === "-1" ? undefined : [a.fromPort, a.toPort];
    if (!mine) return b;
    if (!b) return mine;
    const range: [number, number] = [Math.max(mine[0], b[0]), Math.min(mine[1], b[1])];
    return range[0] <= range[1] ? range : null;
}

/**
 * The flows AWS would allow between the instances and one outside client: a flow needs an
 * ingress rule on the destination's groups and, between instances, an egress rule on the
 * source's groups (security groups are stateful, so replies need no rule).
 */
export function allowedFlows(instances: Instance[], rules: GroupRule[], clientIp: string): AllowedFlow[] {
    const flows: AllowedFlow[] = [];
    const tcpOrAll = (r: GroupRule) => r.protocol === "tcp" || r.protocol === "-1" || r.protocol === "6";
    const egressRange = (from: Instance, to: Instance, ports?: [number, number]) => {
        for (const rule of rules.filter((r) => r.direction === "egress" && tcpOrAll(r) && from.groupIds.includes(r.groupId))) {
            const reaches = (rule.cidr && inCidr(to.privateIp, rule.cidr)) || (rule.referencedGroupId && to.groupIds.includes(rule.referencedGroupId));
            const range = intersect(rule, ports);
            if (reaches && range !== null) {
                return { range, why: rule.description };
            }
        }
        return undefined;
    };
    for (const rule of rules.filter((r) => r.direction === "ingress" && tcpOrAll(r))) {
        const ports = intersect(rule, undefined) ?? undefined;
        for (const to of instances.filter((i) => i.groupIds.includes(rule.groupId))) {
            if (rule.cidr && inCidr(clientIp, rule.cidr)) {
                flows.push({ fromIp: clientIp, toIp: to.privateIp, ports, why: rule.description });
            }
            const sources = instances.filter((from) => from !== to && ((rule.cidr && inCidr(from.privateIp, rule.cidr)) || (rule.referencedGroupId && from.groupIds.includes(rule.referencedGroupId))));
            for (const from of sources) {
                const egress = egressRange(from, to, ports);
                if (egress) {
                    flows.push({ fromIp: from.privateIp, toIp: to.privateIp, ports: egress.range ?? undefined, why: `${rule.description} / ${egress.why}` });
                }
            }
        }
    }
    return flows;
}

/** A stand-in on "the internet": its public address and port. */
export interface InternetService {
    ip: string;
    port: number;
    what: string;
}

/**
 * The flows AWS would let out to the internet: an instance reaches a public address and port
 * only through an egress rule of its own groups whose CIDR covers it (no ingress side: the
 * internet is not in a security group).
 */
export function internetFlows(instances: Instance[], rules: GroupRule[], services: InternetService[]): AllowedFlow[] {
    const flows: AllowedFlow[] = [];
    for (const from of instances) {
        for (const service of services) {
            const rule = rules.find(
                (r) =>
                    r.direction === "egress" &&
                    (r.protocol === "tcp" || r.protocol === "6" || r.protocol === "-1") &&
                    from.groupIds.includes(r.groupId) &&
                    r.cidr !== undefined &&
                    inCidr(service.ip, r.cidr) &&
                    (r.protocol === "-1" || (r.fromPort <= service.port && service.port <= r.toPort)),
            );
            if (rule) flows.push({ fromIp: from.privateIp, toIp: service.ip, ports: [service.port, service.port], why: `${service.what} / ${rule.description}` });
        }
    }
    return flows;
}

/** nftables ruleset for the router namespace: the EIP's 1:1 NAT and the security groups as forward rules. */
export function renderRouterRuleset(flows: AllowedFlow[], publicIp: string, lbPrivateIp: string, uplinkIf?: string): string {
    const lines = flows.map((f) => {
        const ports = f.ports ? ` tcp dport ${f.ports[0] === f.ports[1] ? f.ports[0] : `${f.ports[0]}-${f.ports[1]}`}` : "";
        return `        ip saddr ${f.fromIp} ip daddr ${f.toIp}${ports} accept comment "${f.why.replace(/"/g, "'").slice(0, 120)}"`;
    });
    return `flush ruleset
table ip webstack_router {
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        ip daddr ${publicIp} dnat to ${lbPrivateIp}
    }
${
    uplinkIf
        ? `    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "${uplinkIf}" masquerade
    }
`
        : ""
}    chain forward {
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
${lines.join("\n")}
    }
}
`;
}
