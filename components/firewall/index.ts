// The security groups; each host's nftables mirror of them is rendered (render/hostFirewall.ts).
export { Firewalls } from "./firewalls";
export type { FirewallsArgs } from "./firewalls";
