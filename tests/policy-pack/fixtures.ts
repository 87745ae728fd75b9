// Fixture factory: valid resources and cloud-init user data in the format the webstack
// program renders (#cloud-config + YAML with packages, write_files, runcmd). Each test takes
// a valid fixture and mutates the one thing it is about.
import * as YAML from "yaml";
import { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, Finding, PlannedResource, PolicyConfigFile } from "../../plan/evaluatePolicies";

export interface WriteFile {
    path: string;
    content: string;
    permissions: string;
    owner?: string;
}

export interface CloudConfigDoc {
    packages: string[];
    write_files: WriteFile[];
    runcmd: (string | string[])[];
}

export type BackendHop = "plaintext" | "tls";

export function haproxyCfg(backendHop: BackendHop = "tls"): string {
    const server = (i: number) =>
        backendHop === "tls"
            ? `    server app-${i} app-${i}.webstack.internal:8443 check ssl verify required ca-file /etc/haproxy/tls/internal-ca.pem verifyhost app-${i}.webstack.internal`
            : `    server app-${i} app-${i}.webstack.internal:80 check`;
    return [
        "global",
        "    log /dev/log local0",
        "    user haproxy",
        "    group haproxy",
        "    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets",
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    timeout connect 5s",
        "    timeout client 30s",
        "    timeout server 30s",
        "",
        "frontend www-http",
        "    bind :80",
        "    http-request redirect scheme https code 301",
        "",
        "frontend www-https",
        "    bind :443 ssl crt /etc/haproxy/tls/www.pem alpn h2,http/1.1",
        '    http-response set-header Strict-Transport-Security "max-age=63072000; includeSubDomains"',
        "    default_backend app",
        "",
        "backend app",
        "    balance roundrobin",
        "    option httpchk GET /healthz",
        server(0),
        server(1),
        "",
    ].join("\n");
}

export type DbEngine = "mysql" | "mariadb";
export type DbRole = "primary" | "replica";

export function mysqlCnfPath(engine: DbEngine): string {
    return engine === "mysql" ? "/etc/mysql/mysql.conf.d/60-webstack.cnf" : "/etc/mysql/mariadb.conf.d/60-webstack.cnf";
}

export function mysqlCnf(role: DbRole, engine: DbEngine = "mysql"): string {
    const lines = ["[mysqld]", "bind-address = 0.0.0.0", `server-id = ${role === "primary" ? 1 : 2}`, "log_bin = mysql-bin", "binlog_format = ROW"];
    if (role === "primary") {
        lines.push("read_only = OFF");
    } else {
        lines.push("relay_log = relay-bin", "read_only = ON");
        if (engine === "mysql") {
            lines.push("super_read_only = ON");
        }
    }
    return lines.join("\n") + "\n";
}

export const NFTABLES_CONF = `#!/usr/sbin/nft -f
flush ruleset
table inet filter {
    chain input {
        type filter hook input priority 0; policy drop;
        ct state established,related accept
        iif lo accept
        tcp dport 22 ip saddr 10.0.0.0/16 accept
        tcp dport { 80, 443 } accept
    }
    chain forward {
        type filter hook forward priority 0; policy drop;
    }
    chain output {
        type filter hook output priority 0; policy accept;
    }
}
`;

export const DATADOG_INSTALL_SCRIPT = `#!/bin/bash
set -euo pipefail
DD_API_KEY="$(aws ssm get-parameter --name /webstack/dev/datadog-api-key --with-decryption --query Parameter.Value --output text)"
export DD_API_KEY DD_SITE="datadoghq.com"
bash -c "$(curl -fsSL https://install.datadoghq.com/scripts/install_script_agent7.sh)"
`;

export const FETCH_SECRETS_SCRIPT = `#!/bin/bash
set -euo pipefail
install -d -m 0700 /etc/webstack/secrets
for name in mysql-root-password mysql-repl-password; do
  aws ssm get-parameter --name "/webstack/dev/$name" --with-decryption --query Parameter.Value --output text > "/etc/webstack/secrets/$name"
done
`;

export const MYSQL_BOOTSTRAP_SCRIPT = `#!/bin/bash
set -euo pipefail
REPL_PASSWORD="$(cat /etc/webstack/secrets/mysql-repl-password)"
mysql -e "CREATE USER IF NOT EXISTS 'repl'@'10.0.%' IDENTIFIED BY '\${REPL_PASSWORD}'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'10.0.%';"
`;

export interface ServerSpec {
    haproxy?: BackendHop;
    web?: boolean;
    app?: boolean;
    db?: { role: DbRole; engine?: DbEngine };
    /** Default true: nftables default-deny. */
    firewall?: boolean;
    /** Default true: Datadog agent installed. */
    datadog?: boolean;
}

/** The cloud-config document the program renders for a server with the given components. */
export function cloudConfig(spec: ServerSpec): CloudConfigDoc {
    const doc: CloudConfigDoc = { packages: ["python3-pymysql", "awscli"], write_files: [], runcmd: [] };
    const file = (path: string, content: string, permissions = "0644", owner?: string) => doc.write_files.push(owner ? { path, content, permissions, owner } : { path, content, permissions });
    file("/usr/local/sbin/webstack-fetch-secrets", FETCH_SECRETS_SCRIPT, "0755");
    doc.runcmd.push(["/usr/local/sbin/webstack-fetch-secrets"]);
    if (spec.firewall ?? true) {
        doc.packages.push("nftables");
        file("/etc/nftables.conf", NFTABLES_CONF, "0600");
        doc.runcmd.push(["systemctl", "enable", "--now", "nftables"]);
    }
    if (spec.haproxy) {
        doc.packages.push("haproxy");
        file("/etc/haproxy/haproxy.cfg", haproxyCfg(spec.haproxy), "0640", "root:haproxy");
        file("/etc/datadog-agent/conf.d/haproxy.d/conf.yaml", "instances:\n  - url: http://127.0.0.1:8404/stats\n");
        doc.runcmd.push("systemctl restart haproxy");
    }
    if (spec.web) {
        doc.packages.push("nginx");
        file("/etc/nginx/sites-available/webstack.conf", "server {\n    listen 80;\n    location / { proxy_pass http://127.0.0.1:8000; }\n}\n");
        file("/etc/datadog-agent/conf.d/nginx.d/conf.yaml", "instances:\n  - nginx_status_url: http://127.0.0.1:81/nginx_status\n");
        doc.runcmd.push("ln -sf /etc/nginx/sites-available/webstack.conf /etc/nginx/sites-enabled/webstack.conf", "systemctl reload nginx");
    }
    if (spec.app) {
        file("/opt/webstack/app/app.py", "from http.server import HTTPServer\n");
        file("/etc/systemd/system/webstack-app.service", "[Unit]\nDescription=webstack app\n[Service]\nExecStart=/usr/bin/python3 /opt/webstack/app/app.py\n[Install]\nWantedBy=multi-user.target\n");
        doc.runcmd.push("systemctl daemon-reload", "systemctl enable --now webstack-app.service");
    }
    if (spec.db) {
        const engine = spec.db.engine ?? "mysql";
        doc.packages.push(engine === "mysql" ? "mysql-server" : "mariadb-server");
        file(mysqlCnfPath(engine), mysqlCnf(spec.db.role, engine));
        file("/usr/local/sbin/webstack-mysql-bootstrap", MYSQL_BOOTSTRAP_SCRIPT, "0700");
        file("/etc/datadog-agent/conf.d/mysql.d/conf.yaml", "instances:\n  - host: 127.0.0.1\n    username: datadog\n");
        doc.runcmd.push(`systemctl restart ${engine}`, "/usr/local/sbin/webstack-mysql-bootstrap");
    }
    if (spec.datadog ?? true) {
        file("/usr/local/sbin/webstack-install-datadog-agent", DATADOG_INSTALL_SCRIPT, "0755");
        doc.runcmd.push(["/usr/local/sbin/webstack-install-datadog-agent"]);
    }
    return doc;
}

export function renderUserData(doc: CloudConfigDoc): string {
    return `#cloud-config\n${YAML.stringify(doc)}`;
}

export function userDataFor(spec: ServerSpec): string {
    return renderUserData(cloudConfig(spec));
}

/** Replaces text inside a rendered written file (the path must exist). */
export function editFile(doc: CloudConfigDoc, path: string, edit: (content: string) => string): CloudConfigDoc {
    const f = doc.write_files.find((x) => x.path === path);
    if (!f) {
        throw new Error(`fixture has no ${path}`);
    }
    f.content = edit(f.content);
    return doc;
}

export function urnFor(type: string, name: string): string {
    return `urn:pulumi:dev::webstack::${type}::${name}`;
}

export function resource(type: string, name: string, inputs: Record<string, unknown>, outputs?: Record<string, unknown>): PlannedResource {
    return { type, name, urn: urnFor(type, name), parent: null, custom: true, inputs, ...(outputs ? { outputs } : {}) };
}

export function instance(name: string, userData: string | undefined, overrides: Record<string, unknown> = {}): PlannedResource {
    return resource("aws:ec2/instance:Instance", name, {
        ami: "ami-0123456789abcdef0",
        instanceType: "t3.small",
        subnetId: "subnet-0123",
        vpcSecurityGroupIds: [`sg-${name}`],
        associatePublicIpAddress: false,
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
        rootBlockDevice: { encrypted: true, volumeSize: 20, volumeType: "gp3" },
        ...(userData !== undefined ? { userData } : {}),
        ...overrides,
    });
}

export function securityGroup(name: string, ingress: Record<string, unknown>[]): PlannedResource {
    return resource("aws:ec2/securityGroup:SecurityGroup", name, { vpcId: "vpc-0123", ingress, egress: [] });
}

export function tlsResources(): PlannedResource[] {
    return [
        resource("tls:index/privateKey:PrivateKey", "ca-key", { algorithm: "ECDSA", ecdsaCurve: "P384" }),
        resource("tls:index/selfSignedCert:SelfSignedCert", "ca-cert", {
            isCaCertificate: true,
            validityPeriodHours: 87600,
            earlyRenewalHours: 720,
            allowedUses: ["cert_signing"],
        }),
        resource("tls:index/privateKey:PrivateKey", "www-key", { algorithm: "RSA", rsaBits: 2048 }),
        resource("tls:index/locallySignedCert:LocallySignedCert", "www-cert", {
            validityPeriodHours: 2160,
            earlyRenewalHours: 720,
            allowedUses: ["server_auth"],
        }),
    ];
}

export function requestRateMonitor(): PlannedResource {
    return resource("datadog:index/monitor:Monitor", "web-qps", {
        name: "webstack web request rate",
        type: "metric alert",
        query: "avg(last_5m):sum:haproxy.frontend.request.rate{env:dev} > 500",
        message: "QPS anomaly",
    });
}

function commonResources(): PlannedResource[] {
    return [
        securityGroup("lb-sg", [
            { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
            { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] },
        ]),
        securityGroup("app-sg", [
            { protocol: "tcp", fromPort: 80, toPort: 80, securityGroups: ["sg-lb"] },
            { protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlocks: ["10.0.0.0/16"] },
        ]),
        ...tlsResources(),
        requestRateMonitor(),
    ];
}

/** The reference design as documented (Pulumi.dev.yaml): its three weaknesses included. */
export function devStack(): PlannedResource[] {
    return [
        instance("lb", userDataFor({ haproxy: "plaintext" }), { associatePublicIpAddress: true }),
        instance("app-0", userDataFor({ web: true, app: true, db: { role: "primary" } })),
        instance("app-1", userDataFor({ web: true, app: true, db: { role: "replica" } })),
        ...commonResources(),
    ];
}

export function rdsInstance(name: string, overrides: Record<string, unknown> = {}): PlannedResource {
    return resource("aws:rds/instance:Instance", name, {
        engine: "mysql",
        instanceClass: "db.t3.medium",
        multiAz: true,
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        publiclyAccessible: false,
        ...overrides,
    });
}

/** Pulumi.prod.yaml: each weakness resolved by configuration. */
export function prodStack(): PlannedResource[] {
    return [
        instance("lb", userDataFor({ haproxy: "tls" }), { associatePublicIpAddress: true }),
        instance("app-0", userDataFor({ web: true, app: true })),
        instance("app-1", userDataFor({ web: true, app: true })),
        rdsInstance("db"),
        ...commonResources(),
    ];
}

/** Runs policies through the engine-faithful evaluator. */
export function check(policy: ResourceValidationPolicy | StackValidationPolicy | Policies, resources: PlannedResource[], config?: PolicyConfigFile): Finding[] {
    return evaluatePolicies(Array.isArray(policy) ? policy : [policy], resources, config);
}

/** Names of resources with a finding. */
export function flagged(findings: Finding[]): (string | null)[] {
    return findings.map((f) => f.resource);
}

/**
 * The launch paths that launch only from a launch template or configuration (named here by
 * `template` / `configuration`): an EC2 Fleet, Auto Scaling groups by template, by configuration
 * and by mixed instances policy (whose override picks a second template per instance type), and
 * a spot fleet's launchTemplateConfigs. Every override form the provider has is set: instance
 * type, subnet, zone, weight, priority, price, instance requirements. None of them carries a
 * volume, metadata option, user data or profile, so these resources are judged through their templates.
 */
export function templateLaunchers(template: string, configuration: string, secondTemplate: string = template): PlannedResource[] {
    const requirements = { vcpuCount: { min: 2 }, memoryMib: { min: 4096 } };
    return [
        resource("aws:ec2/fleet:Fleet", "ec2-fleet", {
            type: "maintain",
            targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 2 },
            launchTemplateConfigs: [
                {
                    launchTemplateSpecification: { launchTemplateName: template, version: "$Latest" },
                    overrides: [
                        { instanceType: "t3.large", subnetId: "subnet-0123", availabilityZone: "eu-west-1a", weightedCapacity: 2, priority: 1, maxPrice: "0.05" },
                        { instanceRequirements: requirements },
                    ],
                },
            ],
        }),
        resource("aws:autoscaling/group:Group", "asg-template", { minSize: 1, maxSize: 2, vpcZoneIdentifiers: ["subnet-0123"], launchTemplate: { name: template, version: "$Latest" } }),
        resource("aws:autoscaling/group:Group", "asg-configuration", { minSize: 1, maxSize: 2, vpcZoneIdentifiers: ["subnet-0123"], launchConfiguration: configuration }),
        resource("aws:autoscaling/group:Group", "asg-mixed", {
            minSize: 1,
            maxSize: 2,
            vpcZoneIdentifiers: ["subnet-0123"],
            mixedInstancesPolicy: {
                instancesDistribution: { onDemandBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" },
                launchTemplate: {
                    launchTemplateSpecification: { launchTemplateName: template, version: "$Latest" },
                    overrides: [
                        { instanceType: "t3.large", weightedCapacity: "2" },
                        { instanceType: "m6g.large", launchTemplateSpecification: { launchTemplateName: secondTemplate, version: "$Latest" } },
                        { instanceRequirements: requirements },
                    ],
                },
            },
        }),
        resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "spot-fleet-templates", {
            iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
            targetCapacity: 2,
            launchTemplateConfigs: [
                {
                    launchTemplateSpecification: { name: template, version: "$Latest" },
                    overrides: [
                        { instanceType: "t3.large", subnetId: "subnet-0123", availabilityZone: "eu-west-1a", weightedCapacity: 2, priority: 1, spotPrice: "0.05", instanceRequirements: requirements },
                    ],
                },
            ],
        }),
    ];
}
