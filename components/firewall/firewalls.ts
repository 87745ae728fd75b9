import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PORTS } from "../servers/serverFiles";

export interface FirewallsArgs {
    readonly vpcId: pulumi.Input<string>;
    /** CIDRs allowed to reach the load balancer on 80 and 443. */
    readonly clientCidrs: string[];
    /** CIDRs allowed to SSH to every server; empty closes 22 everywhere. */
    readonly adminCidrs: string[];
    /** nginx's port on the app servers (80 plaintext, 443 re-encrypted). */
    readonly backendPort: number;
    /** colocated: MySQL runs on the app servers; dedicated/rds: in the database group. */
    readonly databasePlacement: "colocated" | "dedicated" | "rds";
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
            new aws.ec2.SecurityGroup(`${name}-${role}`, { vpcId: args.vpcId, description, tags: { Name: `${name}-${role}` } }, parent);
        const ingress = (ruleName: string, groupId: pulumi.Input<string>, port: number, peer: Peer, description: string) =>
            new aws.vpc.SecurityGroupIngressRule(`${name}-${ruleName}`, { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...peer }, parent);
        const egress = (ruleName: string, groupId: pulumi.Input<string>, port: number, peer: Peer, description: string) =>
            new aws.vpc.SecurityGroupEgressRule(`${name}-${ruleName}`, { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, description, ...peer }, parent);
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
        egress("lb-to-app", lb.id, args.backendPort, { referencedSecurityGroupId: app.id }, "backend traffic to the app servers");
        ingress("app-from-lb", app.id, args.backendPort, { referencedSecurityGroupId: lb.id }, "backend traffic from the load balancer");
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
