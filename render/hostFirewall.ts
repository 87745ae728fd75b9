import * as ipaddr from "ipaddr.js";
import { nftString } from "./quote";

export interface HostFirewallRule {
    /** Why the port is open; rendered as a comment beside the rule. */
    description: string;
    port: number;
    /** IPv4 addresses or CIDRs allowed to connect. */
    sources: string[];
}

export interface HostFirewallSpec {
    serverName: string;
    rules: HostFirewallRule[];
}

export const HOST_FIREWALL_PATH = "/etc/nftables.conf";

/**
 * nftables ruleset mirroring the server's security group inside the host: defence in
 * depth if a security group is ever widened by hand. Inbound is denied by default;
 * loopback, established flows and ICMP errors/echo are let through; each rule opens one
 * TCP port to the listed sources only. Outbound stays open (packages, the secret store,
 * Datadog); the security group limits it.
 */
export function renderHostFirewall(spec: HostFirewallSpec): string {
    const rules = spec.rules
        .filter((rule) => rule.sources.length > 0)
        .map((rule) => `        ip saddr { ${rule.sources.map(nftSource).join(", ")} } tcp dport ${nftPort(rule.port)} accept comment ${nftString(rule.description)}`);
    return `#!/usr/sbin/nft -f
# Rendered by webstack (renderHostFirewall) for ${spec.serverName.replace(/[^A-Za-z0-9_.-]/g, "_")}.
flush ruleset

table inet webstack {
    chain input {
        type filter hook input priority filter; policy drop;
        iif "lo" accept
        ct state established,related accept
        ct state invalid drop
        ip protocol icmp icmp type { echo-request, destination-unreachable, time-exceeded } accept
${rules.join("\n")}
    }

    chain forward {
        type filter hook forward priority filter; policy drop;
    }

    chain output {
        type filter hook output priority filter; policy accept;
    }
}
`;
}

/** An IPv4 address or CIDR in nft's syntax, refused unless it is exactly that. */
function nftSource(source: string): string {
    const valid = ipaddr.IPv4.isValidFourPartDecimal(source) || (ipaddr.IPv4.isValidCIDR(source) && ipaddr.IPv4.isValidFourPartDecimal(source.split("/")[0]));
    if (!valid) {
        throw new Error(`renderHostFirewall: ${JSON.stringify(source)} is not an IPv4 address or CIDR in dotted-quad form`);
    }
    return source;
}

function nftPort(port: number): number {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`renderHostFirewall: ${port} is not a TCP port`);
    }
    return port;
}
