import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withTags } from "../tags";
import { planSubnetCidrs, subnetCidrsFromConfig, Tier, TierSubnetCidrs, TIERS } from "../../model";

/** A subnet the stack does not create: its id, and its CIDR, which server addresses are derived from before anything exists. */
export interface ExistingSubnet {
    readonly id: string;
    readonly cidr: string;
}

/**
 * The network's shape. Plain values: the subnets and server addresses are planned from them
 * before anything is created.
 */
export interface NetworkSettings {
    /** CIDR of the VPC the component creates (/16 to /22; split in 16 equal subnets). Ignored with existingVpc. */
    readonly vpcCidr: string;
    /** How many availability zones the subnets span (2 or 3). */
    readonly availabilityZones: number;
    /** Use this VPC and its subnets (one per zone, at least two per tier) instead of creating a network. */
    readonly existingVpc?: {
        readonly vpcId: string;
        readonly publicSubnets: ExistingSubnet[];
        readonly appSubnets: ExistingSubnet[];
        readonly databaseSubnets: ExistingSubnet[];
    };
}

export interface NetworkArgs {
    /** The VPC to create, or the existing one to use. */
    readonly config: NetworkSettings;
    /** Name of the private DNS zone for server names (webstack.internal). */
    readonly internalDomain: pulumi.Input<string>;
    /** Tags for every taggable resource, over the provider's default tags (see WebStackArgs.tags); Name stays per resource. */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

/**
 * The VPC: public subnets for the load balancer, private app and database subnets in at
 * least two zones, one NAT gateway for the private servers' outbound traffic (packages,
 * SSM, Datadog), and a private DNS zone for server names. With `existingVpc` it creates no
 * network and uses the given subnets.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: Record<Tier, pulumi.Output<string>[]>;
    /** Subnet CIDRs per tier, in zone order; the server addresses are derived from them. */
    readonly subnetCidrs: TierSubnetCidrs;
    readonly privateZoneId: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:network:Network", name, {}, opts);
        const parent = { parent: this };

        if (args.config.existingVpc) {
            const existing = args.config.existingVpc;
            this.vpcId = pulumi.output(existing.vpcId);
            const given: Record<Tier, { id: string; cidr: string }[]> = { public: existing.publicSubnets, app: existing.appSubnets, database: existing.databaseSubnets };
            this.subnetIds = { public: [], app: [], database: [] };
            for (const tier of TIERS) {
                this.subnetIds[tier] = given[tier].map((subnet) => pulumi.output(subnet.id));
            }
            this.subnetCidrs = subnetCidrsFromConfig(args.config);
        } else {
            const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;
            const plan = planSubnetCidrs(args.config.vpcCidr, args.config.availabilityZones);
            const vpc = new aws.ec2.Vpc(
                `${name}-vpc`,
                { cidrBlock: args.config.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: withTags(args.tags, { Name: `${name}-vpc` }) },
                parent,
            );
            this.vpcId = vpc.id;
            const subnets = {} as Record<Tier, aws.ec2.Subnet[]>;
            for (const tier of TIERS) {
                subnets[tier] = plan[tier].map(
                    (cidr, zone) =>
                        new aws.ec2.Subnet(
                            `${name}-${tier}-${zone}`,
                            {
                                vpcId: vpc.id,
                                cidrBlock: cidr,
                                availabilityZone: zones.apply((names) => zoneName(names, zone)),
                                // Nothing gets a public address by accident; the load balancer gets an Elastic IP.
                                mapPublicIpOnLaunch: false,
                                tags: withTags(args.tags, { Name: `${name}-${tier}-${zone}`, tier }),
                            },
                            parent,
                        ),
                );
            }
            this.subnetIds = {
                public: subnets.public.map((s) => s.id),
                app: subnets.app.map((s) => s.id),
                database: subnets.database.map((s) => s.id),
            };
            this.subnetCidrs = plan;

            const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: withTags(args.tags, { Name: `${name}-igw` }) }, parent);
            const publicRoutes = new aws.ec2.RouteTable(
                `${name}-public`,
                { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags: withTags(args.tags, { Name: `${name}-public` }) },
                parent,
            );
            const natAddress = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: withTags(args.tags, { Name: `${name}-nat` }) }, parent);
            const nat = new aws.ec2.NatGateway(
                `${name}-nat`,
                { allocationId: natAddress.id, subnetId: subnets.public[0].id, tags: withTags(args.tags, { Name: `${name}-nat` }) },
                { parent: this, dependsOn: [gateway] },
            );
            const privateRoutes = new aws.ec2.RouteTable(
                `${name}-private`,
                { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: withTags(args.tags, { Name: `${name}-private` }) },
                parent,
            );
            for (const tier of TIERS) {
                subnets[tier].forEach(
                    (subnet, zone) =>
                        new aws.ec2.RouteTableAssociation(`${name}-${tier}-${zone}`, { subnetId: subnet.id, routeTableId: tier === "public" ? publicRoutes.id : privateRoutes.id }, parent),
                );
            }
        }

        const zone = new aws.route53.Zone(`${name}-internal`, { name: args.internalDomain, comment: "webstack server names", vpcs: [{ vpcId: this.vpcId }], tags: withTags(args.tags) }, parent);
        this.privateZoneId = zone.zoneId;

        this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, subnetCidrs: this.subnetCidrs, privateZoneId: this.privateZoneId });
    }
}

function zoneName(names: string[], index: number): string {
    if (names.length <= index) {
        throw new Error(`the region has ${names.length} available zones; webstack:network.availabilityZones asks for ${index + 1}`);
    }
    return names[index];
}
