import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Certificates, ProvidedCertificate } from "../certificates";
import { BackendHop, BackendHopMigration, buildStackFacts, CertificateSettings, DatabasePlacement, MonitoringSettings, planWebStack, ServerPlan, StackFacts } from "../../model";
import { renderServerBundle } from "../../render/serverBundle";
import { ManagedDatabase, ManagedDatabaseSettings } from "../database";
import { RDS_APP_USER_PATH } from "../../render/rdsAppUser";
import { Firewalls } from "../firewall";
import { Monitoring } from "../monitoring";
import { Network, NetworkSettings } from "../network";
import { StackSecrets } from "../secrets";
import { ConfigBucket, DEBIAN_AMI, Server } from "../servers";
import { buildServerFiles } from "../../render/serverFiles";
import { withTags } from "../tags";

/**
 * Everything WebStack needs, independent of how it was obtained: the program maps its validated
 * stack config onto it (webStackArgs.ts), and any other program can build it by hand.
 *
 * Most settings are plain values, not Inputs: they decide which resources exist (how many
 * servers, where the database runs, which firewall rules) or are rendered into the servers'
 * files before anything is created. Values that only flow into resource properties (the
 * Datadog API key, the provided certificate, the RDS settings, tags) take Inputs.
 */
export interface WebStackArgs {
    /** Stack name: prefixes secret names, names the final RDS snapshot and tags metrics (env:<stack>). */
    readonly stack: string;
    /** Apex domain; the site is served as www.<domain> and <domain>. */
    readonly domain: string;
    /** Private DNS zone for server names inside the VPC (webstack.internal). */
    readonly internalDomain: string;
    /** CIDRs allowed to reach the load balancer on 80/443. */
    readonly clientCidrs: string[];
    /** CIDRs allowed to SSH to the servers; empty closes 22 (administer through SSM Session Manager). */
    readonly adminCidrs: string[];
    /** The VPC to create, or an existing one. */
    readonly network: NetworkSettings;
    /** Number of application servers (nginx + app), 1 to 20. */
    readonly appServerCount: number;
    /** Instance type of the application servers. */
    readonly appInstanceType: string;
    /** Instance type of the load balancer. */
    readonly loadBalancerInstanceType: string;
    /** plaintext: HAProxy talks HTTP to the backends; tls: it re-encrypts and verifies each against the internal CA. */
    readonly backendHop: BackendHop;
    /** A stage of switching backendHop on a running stack (serve-both, then dial-new, then none). */
    readonly backendHopMigration?: BackendHopMigration;
    /** The server (at most one) that follows the newest Debian image; every other keeps the image it was built from. */
    readonly refreshImage: string[];
    /** Where MySQL runs and how it is sized. */
    readonly database: WebStackDatabaseSettings;
    /** How the certificates are made. */
    readonly certificate: CertificateSettings;
    /** The monitors' thresholds, notifications and tags. */
    readonly monitoring: MonitoringSettings;
    /** Datadog API key (secret), handed to the agents through SSM. */
    readonly datadogApiKey: pulumi.Input<string>;
    /** The load balancer's certificate and key when certificate.source is provided. */
    readonly providedCertificate?: ProvidedCertificate;
    /**
     * Tags for every taggable AWS resource of the stack, merged into each resource's own tags.
     * Precedence, lowest first: the AWS provider's default tags (aws:defaultTags; this program
     * requires env, service and stack there and does not repeat them per resource), then these,
     * then the resource's own (Name, tier): with @pulumi/aws v5 and later a key set on the resource
     * overrides the same key in the provider's default tags, so do not repeat env/service/stack
     * here unless you mean to override them.
     */
    readonly tags?: pulumi.Input<Record<string, string>>;
}

/** Where MySQL runs, and the sizes of the servers or RDS instances that run it. */
export interface WebStackDatabaseSettings extends ManagedDatabaseSettings {
    /** colocated: on the app servers; dedicated: two database servers; rds: Amazon RDS. */
    readonly placement: DatabasePlacement;
    /** Instance type of dedicated database servers. */
    readonly instanceType: string;
    /** Size of each self-managed database server's data volume in GiB (it outlives the server). */
    readonly dataVolumeGb: number;
    /** Name of the application's database (plain: the servers' files name it). */
    readonly name: string;
}

/**
 * The whole web stack: network, firewalls, certificates, secrets, servers (load balancer,
 * app servers, database servers or RDS) and monitoring, wired from one validated config.
 */
export class WebStack extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly loadBalancerIp: pulumi.Output<string>;
    readonly loadBalancerDns: pulumi.Output<string>;
    readonly caCertificatePem: pulumi.Output<string>;
    readonly databaseWriterEndpoint: pulumi.Output<string>;
    readonly databaseReaderEndpoint: pulumi.Output<string>;
    /** The database user the application connects as (its password is in the SSM parameter databaseAppPasswordParameter). */
    readonly databaseAppUser: pulumi.Output<string>;
    readonly securityGroupIds: Record<string, pulumi.Output<string>>;
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: Record<string, pulumi.Output<string>[]>;
    readonly monitorIds: Record<string, pulumi.Output<string>>;
    readonly dashboardUrl: pulumi.Output<string>;
    readonly serverPrivateIps: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: WebStackArgs, opts?: pulumi.ComponentResourceOptions) {
        // Type tokens are webstack:<folder under components/>:<class>. Until this version WebStack
        // registered as webstack:index:WebStack: the alias keeps that URN, and through it every
        // descendant's (children inherit their parent's aliases), so a running stack is not replaced.
        super("webstack:webstack:WebStack", name, {}, pulumi.mergeOptions(opts, { aliases: [{ type: "webstack:index:WebStack" }] }));
        const parent = { parent: this };
        // The settings are read as one object, as the stack config was before WebStackArgs existed.
        const config = args;
        const { stack } = args;
        const placement = config.database.placement;

        // Servers, addresses, certificates and secret names, decided before any resource exists.
        const plan = planWebStack(config, stack);
        const { topology } = plan;

        const network = new Network(`${name}-network`, { config: config.network, internalDomain: config.internalDomain, tags: args.tags }, parent);

        const certificates = new Certificates(
            `${name}-tls`,
            { config: config.certificate, domain: config.domain, servers: plan.certifiedServers, provided: args.providedCertificate, organization: plan.organization },
            parent,
        );
        const { parameters } = plan;
        const secrets = new StackSecrets(
            `${name}-secrets`,
            {
                parameters,
                tlsPrivateKeys: { [topology.loadBalancer.key]: certificates.frontendPrivateKeyPem, ...certificates.serverPrivateKeyPems },
                datadogApiKey: args.datadogApiKey,
                selfManagedDatabase: !plan.database.managed,
                tags: args.tags,
            },
            parent,
        );
        const firewalls = new Firewalls(
            `${name}-fw`,
            { vpcId: network.vpcId, clientCidrs: config.clientCidrs, adminCidrs: config.adminCidrs, backendHops: plan.backendHops, databasePlacement: placement, tags: args.tags },
            parent,
        );

        const managed =
            placement === "rds"
                ? new ManagedDatabase(`${name}-db`, { config: config.database, stack, subnetIds: network.subnetIds.database, securityGroupId: firewalls.databaseGroupId!, tags: args.tags }, parent)
                : undefined;

        const region = aws.getRegionOutput({}, parent).region;
        const amiId = aws.ec2.getAmiOutput(
            {
                owners: [DEBIAN_AMI.owner],
                mostRecent: true,
                filters: [
                    { name: "name", values: [DEBIAN_AMI.namePattern] },
                    { name: "architecture", values: ["x86_64"] },
                    { name: "virtualization-type", values: ["hvm"] },
                ],
            },
            parent,
        ).id;

        // Each self-managed database server's rows live on its own volume, which outlives the server:
        // retainOnDelete keeps it through a replacement or `pulumi destroy` (and the plan's
        // --compare exits 1 when one would be replaced or deleted).
        const dataVolumes: Record<string, aws.ebs.Volume> = {};
        for (const server of topology.databaseServers) {
            dataVolumes[server.key] = new aws.ebs.Volume(
                `${name}-${server.key}-data`,
                {
                    availabilityZone: aws.ec2.getSubnetOutput({ id: network.subnetIds[server.tier][server.zoneIndex] }, parent).availabilityZone,
                    size: config.database.dataVolumeGb,
                    type: "gp3",
                    encrypted: true,
                    tags: withTags(args.tags, { Name: `${name}-${server.key}-data` }),
                },
                { ...parent, retainOnDelete: true },
            );
        }
        const dataVolumeIds = pulumi.all(Object.fromEntries(Object.entries(dataVolumes).map(([key, volume]) => [key, volume.id])));

        const facts: pulumi.Output<StackFacts> = pulumi
            .all([
                region,
                certificates.caCertificatePem,
                certificates.frontendCertificatePem,
                pulumi.all(certificates.serverCertificatePems),
                managed ? pulumi.all([managed.writerEndpoint, managed.readerEndpoint, managed.masterSecretArn]) : pulumi.output(undefined),
                dataVolumeIds,
            ])
            .apply(([regionName, caPem, frontendPem, serverPems, endpoints, volumeIds]) =>
                buildStackFacts(plan, {
                    region: regionName,
                    certificates: { internalCaPem: caPem, frontendChainPem: frontendPem, serverCertificatePem: serverPems },
                    managedDatabase: endpoints ? { writerHost: endpoints[0], readerHost: endpoints[1], masterSecretArn: endpoints[2] } : undefined,
                    dataVolumeIds: volumeIds,
                }),
            );

        const groupsFor = (server: ServerPlan) => (server.role === "load-balancer" ? [firewalls.loadBalancerGroupId] : server.role === "app" ? [firewalls.appGroupId] : [firewalls.databaseGroupId!]);
        const instanceTypeFor = (server: ServerPlan) =>
            server.role === "load-balancer" ? config.loadBalancerInstanceType : server.role === "app" ? config.appInstanceType : config.database.instanceType;

        const configBucket = new ConfigBucket(`${name}-config`, { tags: args.tags }, parent);
        const servers: Record<string, Server> = {};
        for (const server of topology.servers) {
            const files = facts.apply((f) => buildServerFiles(server, f));
            servers[server.key] = new Server(
                `${name}-${server.key}`,
                {
                    instanceType: instanceTypeFor(server),
                    amiId,
                    subnetId: network.subnetIds[server.tier][server.zoneIndex],
                    privateIp: server.privateIp,
                    securityGroupIds: groupsFor(server),
                    bundle: files.apply(renderServerBundle),
                    configBucket: { name: configBucket.bucketName, arn: configBucket.bucketArn },
                    region,
                    // Exactly the parameters its fetch script and agent installer read.
                    secretParameterArns: files.apply((f) => [...new Set([parameters.datadogApiKey, ...f.secrets.map((s) => s.parameter)])].map((p) => secrets.parameterArns[p] ?? missingParameter(p))),
                    // The server that creates the RDS app user reads the master secret, and only it.
                    secretsManagerArns: files.apply((f) => (f.files.some((file) => file.path === RDS_APP_USER_PATH) && managed ? [managed.masterSecretArn] : [])),
                    privateZoneId: network.privateZoneId,
                    fqdn: server.fqdn,
                    publicAddress: server.role === "load-balancer",
                    dataVolumeId: dataVolumes[server.key]?.id,
                    followLatestImage: config.refreshImage.includes(server.key),
                    tags: args.tags,
                },
                parent,
            );
        }

        const monitoring = new Monitoring(`${name}-monitoring`, { facts: { stack, appServerCount: config.appServerCount, managedDatabase: plan.database.managed, config: config.monitoring } }, parent);

        const lb = servers[topology.loadBalancer.key];
        this.url = pulumi.output(`https://www.${config.domain}/`);
        this.loadBalancerIp = lb.publicIp!;
        this.loadBalancerDns = lb.publicDns!;
        this.caCertificatePem = certificates.caCertificatePem;
        this.databaseWriterEndpoint = facts.apply((f) => f.database.writerHost);
        this.databaseReaderEndpoint = facts.apply((f) => f.database.readerHost);
        this.databaseAppUser = facts.apply((f) => f.database.appUser);
        this.securityGroupIds = {
            loadBalancer: firewalls.loadBalancerGroupId,
            app: firewalls.appGroupId,
            ...(firewalls.databaseGroupId ? { database: firewalls.databaseGroupId } : {}),
        };
        this.vpcId = network.vpcId;
        this.subnetIds = network.subnetIds;
        this.monitorIds = monitoring.monitorIds;
        this.dashboardUrl = monitoring.dashboardUrl.apply((path) => `https://app.${config.monitoring.site}${path}`);
        this.serverPrivateIps = Object.fromEntries(Object.entries(servers).map(([key, server]) => [key, server.privateIp]));
        this.registerOutputs({
            url: this.url,
            loadBalancerIp: this.loadBalancerIp,
            loadBalancerDns: this.loadBalancerDns,
            caCertificatePem: this.caCertificatePem,
            databaseWriterEndpoint: this.databaseWriterEndpoint,
            databaseReaderEndpoint: this.databaseReaderEndpoint,
            databaseAppUser: this.databaseAppUser,
            securityGroupIds: this.securityGroupIds,
            vpcId: this.vpcId,
            subnetIds: this.subnetIds,
            monitorIds: this.monitorIds,
            dashboardUrl: this.dashboardUrl,
            serverPrivateIps: this.serverPrivateIps,
        });
    }
}

function missingParameter(name: string): never {
    throw new Error(`WebStack: a server reads SSM parameter ${name}, which the stack does not create`);
}
