import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BackendHops, backendPort, DatabasePlacement, PORTS } from "../../model";
import { withTags } from "../tags";

// clientCidrs, adminCidrs, backendHops and databasePlacement are plain values: each CIDR,
// hop and placement decides which rules exist.
export interface FirewallsArgs {
    /** The VPC the groups belong to. */
    readonly vpcId: pulumi.Input<string>;
    /** CIDRs allowed to reach the load balancer on 80 and 443. */
    readonly clientCidrs: string[];
    /** CIDRs allowed to SSH to every server; empty closes 22 everywhere. */
    readonly adminCidrs: string[];
    /** The hops the app servers serve (each opens its nginx port to the load balancer: 80 plaintext, 443 re-encrypted). */
    readonly backendHops: BackendHops;
    /** colocated: MySQL runs on the app servers; dedicated/rds: in the database group. */
    readonly databasePlacement: DatabasePlacement;
    /** Tags for every taggable resource, over the provider's default tags (see WebStackArgs.tags); Name stays per resource. */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

type Peer = { cidrIpv4: string } | { referencedSecurityGroupId: pulumi.Input<string> };

/**
 * One security group per server role, least privilege, peers named by group rather than
 * by CIDR: clients → load balancer 80/443; load balancer → app servers on the backend
 * port; app servers → MySQL; primary ↔ replica. Outbound to the internet is limited to
 * HTTP(S) for packages, the secret store and Datadog. No SSH unless adminCidrs says so.
 * Rules are separate resources (aws.vpc.SecurityGroupIngressRule), so each shows up on
 * its own in a preview and in the policy pack.
 */
export class Firewalls extends pulumi.ComponentResource {
    readonly loadBalancerGroupId: pulumi.Output<string>;
    readonly appGroupId: pulumi.Output<string>;
    /** Group of the dedicated database servers or the RDS instances; undefined when colocated. */
    readonly databaseGroupId?: pulumi.Output<string>;

    constructor(name: string, args: FirewallsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:firewall:Firewalls", name, {}, opts);
        const parent = { parent: this };
        const group = (role: string, description: string) =>
            new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId: args.vpcId, description, tags: withTags(args.tags, { Name: `${name}-${role}` }) }, parent);
        const ingress = (ruleName: string, groupId: pulumi.Input<string>, port: number, peer: Peer, description: string, opts: pulumi.CustomResourceOptions = {}) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${ruleName}`,
                { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...peer, tags: withTags(args.tags) },
                { ...parent, ...opts },
            );
        const egress = (ruleName: string, groupId: pulumi.Input<string>, port: number, peer: Peer, description: string, opts: pulumi.CustomResourceOptions = {}) =>
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-${ruleName}`,
                { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...peer, tags: withTags(args.tags) },
                { ...parent, ...opts },
            );
        const internetEgress = (role: string, groupId: pulumi.Input<string>) => {
            egress(`${role}-out-https`, groupId, PORTS.https, { cidrIpv4: "0.0.0.0/0" }, "HTTPS to packages, SSM and Datadog");
            egress(`${role}-out-http`, groupId, PORTS.http, { cidrIpv4: "0.0.0.0/0" }, "HTTP to Debian's package mirrors");
        };
        const adminSsh = (role: string, groupId: pulumi.Input<string>) =>
            args.adminCidrs.forEach((cidr, i) => ingress(`${role}-ssh-${i}`, groupId, PORTS.ssh, { cidrIpv4: cidr }, `SSH from admin CIDR ${cidr}`));

        const lb = group("lb", "webstack load balancer: HTTPS from clients");
        const app = group("app", "webstack app servers: backend traffic from the load balancer");
        this.loadBalancerGroupId = lb.id;
        this.appGroupId = app.id;

        args.clientCidrs.forEach((cidr, i) => {
            ingress(`lb-http-${i}`, lb.id, PORTS.http, { cidrIpv4: cidr }, `HTTP from ${cidr} (redirected to HTTPS)`);
            ingress(`lb-https-${i}`, lb.id, PORTS.https, { cidrIpv4: cidr }, `HTTPS from ${cidr}`);
        });
        // One rule pair per served hop, named after it, so a hop migration adds and later removes
        // a pair and never rewrites the port of the rule the load balancer is using. Stacks from
        // before the migration stages had one unsuffixed pair: it becomes the pair of the hop
        // the load balancer was dialing (an alias, no change in AWS).
        for (const hop of args.backendHops.served) {
            const port = backendPort(hop);
            const alias = (old: string) => (hop === args.backendHops.from ? { aliases: [{ name: `${name}-${old}` }] } : {});
            egress(`lb-to-app-${hop}`, lb.id, port, { referencedSecurityGroupId: app.id }, `backend traffic to the app servers (${hop})`, alias("lb-to-app"));
            ingress(`app-from-lb-${hop}`, app.id, port, { referencedSecurityGroupId: lb.id }, `backend traffic from the load balancer (${hop})`, alias("app-from-lb"));
        }
        internetEgress("lb", lb.id);
        internetEgress("app", app.id);
        adminSsh("lb", lb.id);
        adminSsh("app", app.id);

        if (args.databasePlacement === "colocated") {
            // Every app server may run MySQL: the group talks MySQL to itself.
            ingress("app-mysql-from-app", app.id, PORTS.mysql, { referencedSecurityGroupId: app.id }, "MySQL between app servers (primary, replica, clients)");
            egress("app-mysql-to-app", app.id, PORTS.mysql, { referencedSecurityGroupId: app.id }, "MySQL between app servers");
        } else {
            const db = group("db", "webstack database: MySQL from the app servers");
            this.databaseGroupId = db.id;
            ingress("db-mysql-from-app", db.id, PORTS.mysql, { referencedSecurityGroupId: app.id }, "MySQL from the app servers");
            egress("app-mysql-to-db", app.id, PORTS.mysql, { referencedSecurityGroupId: db.id }, "MySQL to the database");
            if (args.databasePlacement === "dedicated") {
                ingress("db-mysql-from-db", db.id, PORTS.mysql, { referencedSecurityGroupId: db.id }, "replication between primary and replica");
                egress("db-mysql-to-db", db.id, PORTS.mysql, { referencedSecurityGroupId: db.id }, "replication between primary and replica");
                internetEgress("db", db.id);
                adminSsh("db", db.id);
            }
        }
        this.registerOutputs({ loadBalancerGroupId: this.loadBalancerGroupId, appGroupId: this.appGroupId, databaseGroupId: this.databaseGroupId });
    }
}
