import { strict as assert } from "assert";
import { bundleObjectOf, fileOf, inputs, ofType, programRun, userDataOf } from "../helpers/programRuns";
import { HOST_FIREWALL_PATH } from "../../render/hostFirewall";
import { ProgramRun, runProgram, unwrapSecrets } from "../../plan/runProgram";
import { loadStackConfig } from "../../plan/stackConfig";
import { describeStatement, evaluateRequest } from "../../policy-pack/lib/iam/evaluate";
import { instanceRoles } from "../../policy-pack/lib/iam/instanceRoles";

const INSTANCE = "aws:ec2/instance:Instance";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

function groupNameById(run: ProgramRun, id: string): string {
    // Mocked security group ids are derived from the resource name; match them back.
    const groups = ofType(run, "aws:ec2/securityGroup:SecurityGroup");
    const outputs = run.outputs.securityGroupIds.value as Record<string, string>;
    const role = Object.entries(outputs).find(([, groupId]) => groupId === id)?.[0];
    assert.ok(role, `unknown security group ${id} among ${groups.map((g) => g.name).join(", ")}`);
    return role!;
}

function ingressSummary(run: ProgramRun): string[] {
    return ofType(run, INGRESS)
        .map((r) => {
            const i = inputs(r);
            const source = i.cidrIpv4 ?? groupNameById(run, i.referencedSecurityGroupId);
            return `${groupNameById(run, i.securityGroupId)} <- ${source} tcp/${i.fromPort}`;
        })
        .sort();
}

function allSecretValues(run: ProgramRun): string[] {
    // Every generated password and private key the mocks handed back.
    const values: string[] = [];
    for (const r of run.resources) {
        if (r.type === "aws:ssm/parameter:Parameter") {
            values.push(String(unwrapSecrets(r.inputs.value)));
        }
    }
    return values.filter((v) => v.length >= 8);
}

describe("WebStack: dev (the reference design)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await programRun("dev");
    });

    it("has one load balancer and two app servers, and no database servers", () => {
        assert.deepEqual(
            ofType(run, INSTANCE)
                .map((r) => r.name)
                .sort(),
            ["webstack-app-0", "webstack-app-1", "webstack-lb"],
        );
        assert.equal(ofType(run, "aws:rds/instance:Instance").length, 0);
    });

    it("opens only 80/443 from clients, the backend port from the LB group, and MySQL inside the app group", () => {
        assert.deepEqual(ingressSummary(run), ["app <- app tcp/3306", "app <- loadBalancer tcp/80", "loadBalancer <- 0.0.0.0/0 tcp/443", "loadBalancer <- 0.0.0.0/0 tcp/80"]);
    });

    it("alerts on a half-stopped replica (the MySQL check's WARNING), not only a fully stopped one", () => {
        const stopped = ofType(run, "datadog:index/monitor:Monitor")
            .map(inputs)
            .find((m) => /replica_running/.test(m.query))!;
        assert.equal(stopped.type, "service check");
        assert.deepEqual(stopped.monitorThresholds, { critical: "1", warning: "1", ok: "1" });
    });

    it("sends plaintext HTTP to the backends (the documented weakness)", () => {
        const lb = ofType(run, INSTANCE).find((r) => r.name === "webstack-lb")!;
        const cfg = fileOf(userDataOf(run, lb), "/etc/haproxy/haproxy.cfg")!;
        assert.match(cfg, /server app-0 10\.20\.64\.10:80 check$/m);
        assert.match(cfg, /server app-1 10\.20\.80\.10:80 check$/m);
        assert.doesNotMatch(cfg, /verify required/);
    });

    it("puts web, app and database on every app server: primary on app-0, read-only replica on app-1", () => {
        const [app0, app1] = ["webstack-app-0", "webstack-app-1"].map((n) =>
            userDataOf(
                run,
                ofType(run, INSTANCE).find((r) => r.name === n)!,
            ),
        );
        for (const ud of [app0, app1]) {
            assert.ok(ud.packages.includes("nginx") && ud.packages.includes("mariadb-server") && ud.packages.includes("python3-pymysql"));
        }
        assert.match(fileOf(app0, "/etc/mysql/mariadb.conf.d/60-webstack.cnf")!, /^read_only = OFF$/m);
        assert.match(fileOf(app1, "/etc/mysql/mariadb.conf.d/60-webstack.cnf")!, /^read_only = ON$/m);
        assert.match(fileOf(app1, "/usr/local/sbin/webstack-db-bootstrap")!, /MASTER_HOST='app-0\.webstack\.internal'.*MASTER_SSL_VERIFY_SERVER_CERT=1/);
    });
});

describe("WebStack: prod (every weakness resolved by config)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await programRun("prod");
    });

    it("has a load balancer and three app servers, and RDS Multi-AZ with a read replica", () => {
        assert.deepEqual(
            ofType(run, INSTANCE)
                .map((r) => r.name)
                .sort(),
            ["webstack-app-0", "webstack-app-1", "webstack-app-2", "webstack-lb"],
        );
        const rds = ofType(run, "aws:rds/instance:Instance").map(inputs);
        const writer = rds.find((r) => !r.replicateSourceDb)!;
        assert.equal(writer.multiAz, true);
        assert.equal(writer.storageEncrypted, true);
        assert.equal(writer.publiclyAccessible, false);
        assert.equal(writer.backupRetentionPeriod, 14);
        assert.equal(rds.filter((r) => r.replicateSourceDb).length, 1);
    });

    it("RDS manages the master password (never in state or outputs), runs MySQL 8.4 and names its final snapshot per stack", () => {
        const rds = ofType(run, "aws:rds/instance:Instance").map(inputs);
        const writer = rds.find((r) => !r.replicateSourceDb)!;
        assert.equal(writer.manageMasterUserPassword, true);
        assert.equal(writer.password, undefined);
        assert.equal(writer.engineVersion, "8.4");
        assert.equal(inputs(ofType(run, "aws:rds/parameterGroup:ParameterGroup")[0]).family, "mysql8.4");
        assert.match(writer.finalSnapshotIdentifier, /^webstack-db-prod-writer-final-[0-9a-f]{8}$/);
        assert.doesNotMatch(writer.finalSnapshotIdentifier, /--|-$/);
        const passwordInputs = run.resources.filter((r) => r.type.startsWith("aws:rds/") && JSON.stringify(r.inputs).match(/"password"/i));
        assert.deepEqual(
            passwordInputs.map((r) => r.name),
            [],
        );
    });

    it("the first app server, and only it, reads the RDS master secret to create the app's own least-privilege user", () => {
        const policies = ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("-secrets"));
        const readers = policies.filter((p) => /secretsmanager:GetSecretValue/.test(String(inputs(p).policy)));
        assert.deepEqual(
            readers.map((p) => p.name),
            ["webstack-app-0-secrets"],
        );
        const statement = JSON.parse(String(inputs(readers[0]).policy)).Statement[1];
        assert.deepEqual(statement.Resource.length, 1);
        assert.match(statement.Resource[0], /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-/);
        const app0 = userDataOf(
            run,
            ofType(run, INSTANCE).find((r) => r.name === "webstack-app-0")!,
        );
        const script = fileOf(app0, "/usr/local/sbin/webstack-rds-app-user")!;
        assert.match(script, /"appUser\\":\\"webstack_app\\"/);
        const order = app0.runcmd.map((c) => (Array.isArray(c) ? c.join(" ") : c));
        const createUser = order.indexOf("/usr/local/sbin/webstack-rds-app-user");
        // The applier writes the secrets (the app's password among them) before any boot command runs.
        assert.ok(app0.webstack!.secrets.some((s) => s.path === "/etc/webstack/secrets/mysql-app-password"));
        assert.ok(createUser >= 0 && createUser < order.findIndex((c) => /enable --now webstack-app/.test(c)), order.join("\n"));
        for (const name of ["webstack-app-1", "webstack-app-2"]) {
            const ud = userDataOf(
                run,
                ofType(run, INSTANCE).find((r) => r.name === name)!,
            );
            assert.equal(fileOf(ud, "/usr/local/sbin/webstack-rds-app-user"), undefined);
            assert.match(fileOf(ud, "/etc/webstack/app.env")!, /WEBSTACK_DB_USER=webstack_app/);
        }
    });

    it("lets only the app group reach the database", () => {
        assert.deepEqual(ingressSummary(run), ["app <- loadBalancer tcp/443", "database <- app tcp/3306", "loadBalancer <- 0.0.0.0/0 tcp/443", "loadBalancer <- 0.0.0.0/0 tcp/80"]);
    });

    it("re-encrypts to every backend and verifies its name against the internal CA", () => {
        const cfg = fileOf(
            userDataOf(
                run,
                ofType(run, INSTANCE).find((r) => r.name === "webstack-lb")!,
            ),
            "/etc/haproxy/haproxy.cfg",
        )!;
        const servers = cfg.split("\n").filter((l) => /^\s+server /.test(l));
        assert.equal(servers.length, 3);
        for (const line of servers) {
            assert.match(line, /:443 check ssl verify required ca-file \/etc\/webstack\/tls\/internal-ca\.pem verifyhost app-\d\.webstack\.internal/);
        }
    });

    it("app servers carry no database and reach RDS with its CA bundle", () => {
        for (const instance of ofType(run, INSTANCE).filter((r) => r.name.includes("app"))) {
            const ud = userDataOf(run, instance);
            assert.ok(!ud.packages.some((p) => /mysql-server|mariadb-server/.test(p)));
            assert.match(fileOf(ud, "/etc/webstack/app.env")!, /WEBSTACK_DB_WRITER=webstack-db-writer\..*\.rds\.amazonaws\.com/);
            assert.match(fileOf(ud, "/etc/webstack/app.env")!, /WEBSTACK_DB_CA=\/etc\/webstack\/tls\/rds-ca\.pem/);
        }
    });
});

for (const stack of ["dev", "prod"]) {
    describe(`WebStack hardening (${stack})`, () => {
        let run: ProgramRun;
        before(async () => {
            run = await programRun(stack);
        });

        it("every instance requires IMDSv2, encrypts its root volume, has no public address of its own and one security group", () => {
            for (const instance of ofType(run, INSTANCE).map(inputs)) {
                assert.equal(instance.metadataOptions.httpTokens, "required");
                assert.equal(instance.rootBlockDevice.encrypted, true);
                assert.equal(instance.associatePublicIpAddress, false);
                assert.equal(instance.vpcSecurityGroupIds.length, 1);
            }
        });

        it("no SSH anywhere by default, no world-open port but the load balancer's 80/443", () => {
            for (const rule of ofType(run, INGRESS).map(inputs)) {
                assert.notEqual(rule.fromPort, 22);
                if (rule.cidrIpv4 === "0.0.0.0/0") {
                    assert.ok([80, 443].includes(rule.fromPort));
                }
            }
            for (const rule of ofType(run, EGRESS).map(inputs)) {
                assert.ok(rule.cidrIpv4 === undefined || [80, 443].includes(rule.fromPort), `egress ${JSON.stringify(rule)}`);
            }
        });

        it("no secret value appears in any user data or bundle; servers fetch them by parameter name", () => {
            const secrets = allSecretValues(run);
            assert.ok(secrets.length >= 4, "expected generated passwords and keys in SSM parameters");
            for (const instance of ofType(run, INSTANCE)) {
                for (const [what, text] of [
                    ["user data", String(inputs(instance).userData)],
                    ["bundle", String(inputs(bundleObjectOf(run, instance)).content)],
                ]) {
                    for (const secret of secrets) {
                        assert.ok(!text.includes(secret.trim().split("\n")[1] ?? secret), `${instance.name} ${what} contains a secret`);
                        assert.ok(!text.includes(secret), `${instance.name} ${what} contains a secret`);
                    }
                    assert.doesNotMatch(text, /PRIVATE KEY/);
                }
                assert.ok(userDataOf(run, instance).webstack!.secrets.every((s) => s.parameter.startsWith(`/webstack/${stack}/`)));
            }
        });

        it("every secret is stored as an SSM SecureString and kept secret in the state", () => {
            for (const parameter of ofType(run, "aws:ssm/parameter:Parameter")) {
                assert.equal(inputs(parameter).type, "SecureString");
                assert.equal(typeof parameter.inputs.value === "object" && parameter.inputs.value !== null, true, `${parameter.name} value is not marked secret`);
            }
        });

        it("each instance role may read exactly the parameters its boot scripts fetch", () => {
            for (const instance of ofType(run, INSTANCE)) {
                const policy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === `${instance.name}-secrets`)!;
                const allowed = (JSON.parse(String(inputs(policy).policy)).Statement[0].Resource as string[]).map((arn) => arn.replace(/^.*:parameter/, "")).sort();
                const fetched = userDataOf(run, instance).webstack!.secrets.map((s) => s.parameter);
                fetched.push(`/webstack/${stack}/datadog/api-key`);
                assert.deepEqual(allowed, [...new Set(fetched)].sort());
            }
        });

        it("no instance role can read parameters, objects, secrets or keys beyond its own, judged as AWS evaluates every attached policy", () => {
            const roles = instanceRoles(run.resources.map((r) => ({ type: r.type, name: r.name, props: inputs(r) })));
            assert.equal(roles.length, ofType(run, INSTANCE).length, "every instance has a role");
            // Requests any server could make for things that are not its own: another stack's
            // parameter, any bucket's object, any Secrets Manager secret, any KMS key.
            const foreign: [string, string][] = [
                ["ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/other-stack/mysql/root-password"],
                ["ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/other-stack/tls/key"],
                ["ssm:GetParametersByPath", "arn:aws:ssm:us-east-1:123456789012:parameter/webstack"],
                ["s3:GetObject", "arn:aws:s3:::some-bucket/some-key"],
                ["secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:other-AbCdEf"],
                ["kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"],
            ];
            for (const role of roles) {
                assert.deepEqual(role.unresolved, [], `${role.instance}: attached policies the test cannot judge`);
                for (const [action, resource] of foreign) {
                    const result = evaluateRequest(role.policies, action, resource);
                    assert.notEqual(result.decision, "allow", `${role.instance} (${role.role}) may ${action} on ${resource}: ${result.statement ? describeStatement(result.statement) : ""}`);
                }
                // Session Manager still works: the agent's channel actions stay allowed.
                assert.equal(evaluateRequest(role.policies, "ssmmessages:OpenDataChannel", "*").decision, "allow", `${role.instance}: Session Manager`);
                assert.equal(evaluateRequest(role.policies, "ssm:UpdateInstanceInformation", "arn:aws:ec2:us-east-1:123456789012:instance/i-1").decision, "allow");
            }
        });

        it("every server patches itself: Debian's unattended security upgrades are installed and switched on", () => {
            for (const instance of ofType(run, INSTANCE)) {
                const ud = userDataOf(run, instance);
                assert.ok(ud.packages.includes("unattended-upgrades"), `${instance.name} packages`);
                const settings = fileOf(ud, "/etc/apt/apt.conf.d/20auto-upgrades")!;
                assert.match(settings, /^APT::Periodic::Update-Package-Lists "1";$/m);
                assert.match(settings, /^APT::Periodic::Unattended-Upgrade "1";$/m);
            }
        });

        it("every server runs a host firewall and the Datadog agent", () => {
            for (const instance of ofType(run, INSTANCE)) {
                const ud = userDataOf(run, instance);
                assert.match(fileOf(ud, "/etc/nftables.conf")!, /policy drop;/);
                // The boot script runs the applier, whose first boot command is the firewall.
                assert.deepEqual(ud.runcmd.slice(0, 2), [["/usr/local/sbin/webstack-bootstrap"], ["systemctl", "enable", "--now", "nftables"]]);
                assert.match(fileOf(ud, "/usr/local/sbin/webstack-install-datadog-agent")!, /install_script_agent7\.sh/);
            }
        });

        it("has a web QPS monitor for spikes and one for drops to zero", () => {
            const monitors = ofType(run, "datadog:index/monitor:Monitor").map(inputs);
            const qps = monitors.filter((m) => /haproxy\.frontend\.http\.requests\.count/.test(m.query));
            assert.ok(qps.some((m) => / > \d/.test(m.query) && !m.notifyNoData));
            assert.ok(qps.some((m) => / < [\d.]+$/.test(m.query) && m.notifyNoData));
        });

        it("gives every no-data alert at least twice its evaluation window, so a reporting gap is not an outage", () => {
            const monitors = ofType(run, "datadog:index/monitor:Monitor").map(inputs);
            assert.ok(monitors.some((m) => m.notifyNoData));
            for (const m of monitors.filter((m) => m.notifyNoData && m.type === "query alert")) {
                const [, amount, unit] = /last_(\d+)([mh])/.exec(m.query)!;
                const windowMinutes = Number(amount) * (unit === "h" ? 60 : 1);
                assert.ok(m.noDataTimeframe >= 2 * windowMinutes, `${m.name}: no data after ${m.noDataTimeframe} min, window ${windowMinutes} min`);
            }
        });

        it("exports no password: consumers get the name of its SSM parameter", () => {
            assert.ok(!("databaseAppPassword" in run.outputs), "no output carries a password");
            assert.equal(run.outputs.caCertificatePem.secret, false);
        });
    });
}

describe("WebStack day 2: servers, images and data volumes", function () {
    this.timeout(120000);
    it("only the server webstack:refreshImage names follows the newest image; every server is deleted before it is replaced", async () => {
        const run = await programRun("dev", { "webstack:refreshImage": '["app-1"]' });
        for (const instance of ofType(run, INSTANCE)) {
            assert.deepEqual(instance.options?.ignoreChanges ?? [], instance.name === "webstack-app-1" ? [] : ["ami"], instance.name);
            assert.equal(instance.options?.deleteBeforeReplace, true, instance.name);
        }
    });
    it("each self-managed database server has its own encrypted gp3 volume, retained on delete and attached at /dev/sdf", async () => {
        for (const [stack, overrides, servers] of [
            ["dev", {}, ["app-0", "app-1"]],
            ["dev", { "webstack:database": '{"placement":"dedicated"}' }, ["db-0", "db-1"]],
            ["prod", {}, []],
        ] as const) {
            const run = await programRun(stack, overrides);
            const volumes = ofType(run, "aws:ebs/volume:Volume");
            assert.deepEqual(
                volumes.map((v) => v.name).sort(),
                servers.map((s) => `webstack-${s}-data`),
                stack,
            );
            for (const volume of volumes) {
                assert.deepEqual([inputs(volume).encrypted, inputs(volume).type, inputs(volume).size], [true, "gp3", 20]);
                assert.equal(volume.options?.retainOnDelete, true, `${volume.name} is retained`);
            }
            const attachments = ofType(run, "aws:ec2/volumeAttachment:VolumeAttachment").map(inputs);
            assert.equal(attachments.length, servers.length);
            for (const a of attachments) assert.deepEqual([a.deviceName, a.stopInstanceBeforeDetaching], ["/dev/sdf", true]);
            for (const server of servers) {
                const ud = userDataOf(
                    run,
                    ofType(run, INSTANCE).find((i) => i.name === `webstack-${server}`)!,
                );
                assert.deepEqual(
                    ud.webstack!.volumes?.map((v) => [v.label, v.mountPoint]),
                    [["webstack-data", "/var/lib/mysql"]],
                );
                // A renewed certificate is reloaded on each database server by itself: a binlogged
                // FLUSH SSL replayed on the replica mid-swap stopped its SQL thread in the drill.
                const tls = ud.webstack!.services.find((x) => x.name === "mariadb-tls")!;
                assert.deepEqual(tls.reload, [["mariadb", "--defaults-file=/root/.my.cnf", "-e", "FLUSH LOCAL SSL"]]);
            }
        }
    });
});

describe("WebStack user data: the same small boot script whatever the config", function () {
    this.timeout(120000);
    // The size test of the day-2 issue: 20 app servers with RSA-4096 certificates used to put
    // app-0's user data over EC2's 16,384 bytes. Certificates now live in the bundles.
    it("at appServerCount 20 with RSA-4096 certificates every server's user data is under 4 KB and differs only in its bundle key", async () => {
        const run = await programRun("prod", { "webstack:appServerCount": "20", "webstack:certificate": '{"keyAlgorithm":"RSA","rsaBits":4096}' });
        const instances = ofType(run, INSTANCE);
        assert.equal(instances.length, 21);
        const texts = instances.map((i) => String(inputs(i).userData));
        for (const [n, text] of texts.entries()) assert.ok(Buffer.byteLength(text) < 4096, `${instances[n].name}: ${Buffer.byteLength(text)} bytes`);
        assert.equal(new Set(texts.map((t) => t.replace(/BUNDLE_KEY=\S+/, "BUNDLE_KEY=…"))).size, 1);
        const dev = await programRun("dev");
        const devLb = String(inputs(ofType(dev, INSTANCE).find((i) => i.name === "webstack-lb")!).userData);
        assert.equal(devLb, texts[instances.findIndex((i) => i.name === "webstack-lb")], "the boot script does not change with the stack's config");
    });
});

describe("WebStack variants", () => {
    it("dedicated placement: two database servers in their own group, reachable from the app group only", async () => {
        const run = await programRun("dev", { "webstack:database": '{"placement":"dedicated","engine":"mariadb"}' });
        const names = ofType(run, INSTANCE)
            .map((r) => r.name)
            .sort();
        assert.deepEqual(names, ["webstack-app-0", "webstack-app-1", "webstack-db-0", "webstack-db-1", "webstack-lb"]);
        const db0 = userDataOf(
            run,
            ofType(run, INSTANCE).find((r) => r.name === "webstack-db-0")!,
        );
        assert.ok(db0.packages.includes("mariadb-server") && !db0.packages.includes("nginx"));
        assert.match(fileOf(db0, "/etc/nftables.conf")!, /ip saddr \{ 10\.20\.64\.10, 10\.20\.80\.10, 10\.20\.144\.10 \} tcp dport 3306 accept/);
        assert.ok(ingressSummary(run).includes("database <- app tcp/3306"));
        assert.ok(ingressSummary(run).includes("database <- database tcp/3306"));
    });

    it("existing VPC: creates no network, places servers in the given subnets", async () => {
        const existing = {
            existingVpc: {
                vpcId: "vpc-0abc",
                publicSubnets: [
                    { id: "subnet-0a1", cidr: "172.31.0.0/24" },
                    { id: "subnet-0a2", cidr: "172.31.1.0/24" },
                ],
                appSubnets: [
                    { id: "subnet-0b1", cidr: "172.31.10.0/24" },
                    { id: "subnet-0b2", cidr: "172.31.11.0/24" },
                ],
                databaseSubnets: [
                    { id: "subnet-0c1", cidr: "172.31.20.0/24" },
                    { id: "subnet-0c2", cidr: "172.31.21.0/24" },
                ],
            },
        };
        const run = await programRun("dev", { "webstack:network": JSON.stringify(existing) });
        assert.equal(ofType(run, "aws:ec2/vpc:Vpc").length, 0);
        assert.equal(ofType(run, "aws:ec2/subnet:Subnet").length, 0);
        const app1 = inputs(ofType(run, INSTANCE).find((r) => r.name === "webstack-app-1")!);
        assert.equal(app1.subnetId, "subnet-0b2");
        assert.equal(app1.privateIp, "172.31.11.10");
        assert.equal(run.outputs.vpcId.value, "vpc-0abc");
    });

    it("admin CIDRs open SSH to those CIDRs only, on every group and host", async () => {
        const run = await programRun("dev", { "webstack:adminCidrs": '["198.51.100.0/24"]' });
        const ssh = ofType(run, INGRESS)
            .map(inputs)
            .filter((r) => r.fromPort === 22);
        assert.deepEqual(
            ssh.map((r) => r.cidrIpv4),
            ["198.51.100.0/24", "198.51.100.0/24"],
        );
        for (const instance of ofType(run, INSTANCE)) {
            assert.match(fileOf(userDataOf(run, instance), "/etc/nftables.conf")!, /ip saddr \{ 198\.51\.100\.0\/24 \} tcp dport 22 accept/);
        }
    });
});

describe("WebStack backend hop migration: every stage keeps a port both ends use", function () {
    this.timeout(120000);
    const NGINX_SITE = "/etc/nginx/sites-available/webstack.conf";
    /** What each end of the hop does at a stage of dev's switch to tls. */
    async function stage(migration?: string) {
        const run = await programRun("dev", { "webstack:backendHop": "tls", ...(migration ? { "webstack:backendHopMigration": migration } : {}) });
        const lb = ofType(run, INSTANCE).find((r) => r.name === "webstack-lb")!;
        const app = ofType(run, INSTANCE).find((r) => r.name === "webstack-app-0")!;
        const cfg = fileOf(userDataOf(run, lb), "/etc/haproxy/haproxy.cfg")!;
        const site = fileOf(userDataOf(run, app), NGINX_SITE)!;
        const hostFirewall = fileOf(userDataOf(run, app), HOST_FIREWALL_PATH)!;
        const backendRules = [...ofType(run, INGRESS), ...ofType(run, EGRESS)].filter((r) => /-(app-from-lb|lb-to-app)-/.test(r.name));
        return {
            dials: /server app-0 \S+:(\d+) check( ssl verify required)?/.exec(cfg)!.slice(1, 3).join(""),
            nginxListens: [...site.matchAll(/^\s+listen (\d+)( ssl)?;/gm)].map((m) => `${m[1]}${m[2] ?? ""}`),
            hostOpens: [...hostFirewall.matchAll(/tcp dport (80|443) accept/g)].map((m) => m[1]),
            rules: backendRules.map((r) => `${r.name}:${inputs(r).fromPort}${r.options?.aliases ? " (alias)" : ""}`).sort(),
        };
    }

    it("serve-both: nginx serves 80 and 443, both open, HAProxy still dials 80; the old rules keep their URNs through an alias", async () => {
        const s = await stage("serve-both");
        assert.equal(s.dials, "80");
        assert.deepEqual(s.nginxListens, ["80", "443 ssl"]);
        assert.deepEqual(s.hostOpens.sort(), ["443", "80"]);
        assert.deepEqual(s.rules, ["webstack-fw-app-from-lb-plaintext:80 (alias)", "webstack-fw-app-from-lb-tls:443", "webstack-fw-lb-to-app-plaintext:80 (alias)", "webstack-fw-lb-to-app-tls:443"]);
    });

    it("dial-new: HAProxy dials 443 verified, nginx and both groups still serve 80 and 443", async () => {
        const s = await stage("dial-new");
        assert.equal(s.dials, "443 ssl verify required");
        assert.deepEqual(s.nginxListens, ["80", "443 ssl"]);
        assert.equal(s.rules.length, 4);
    });

    it("done: only 443 is served, opened and dialed", async () => {
        const s = await stage();
        assert.equal(s.dials, "443 ssl verify required");
        assert.deepEqual(s.nginxListens, ["443 ssl"]);
        assert.deepEqual(s.hostOpens, ["443"]);
        assert.deepEqual(s.rules, ["webstack-fw-app-from-lb-tls:443 (alias)", "webstack-fw-lb-to-app-tls:443 (alias)"]);
    });

    it("no stage replaces a server: user data is the same boot script throughout", async () => {
        const userData = async (overrides: Record<string, string>) =>
            ofType(await programRun("dev", overrides), INSTANCE)
                .map((r) => `${r.name}:${inputs(r).userData}`)
                .sort();
        const before = await userData({});
        for (const migration of ["serve-both", "dial-new"]) {
            assert.deepEqual(await userData({ "webstack:backendHop": "tls", "webstack:backendHopMigration": migration }), before, migration);
        }
        assert.deepEqual(await userData({ "webstack:backendHop": "tls" }), before, "done");
    });
});

describe("WebStack renewal and rotation: new keys, certificates and passwords replace no server", function () {
    this.timeout(120000);
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every instance keeps all its inputs; bundles and SSM parameters take the new material`, async () => {
            const raw = loadStackConfig(stack);
            const before = await runProgram(stack, raw.config, raw.secretKeys);
            const after = await runProgram(stack, raw.config, raw.secretKeys, "sources", { secretGeneration: "renewed" });
            const byName = (run: ProgramRun, type: string) => new Map(ofType(run, type).map((r) => [r.name, inputs(r)]));
            // The material really is new: keys and certificates from the tls provider, passwords from random.
            const pems = (run: ProgramRun) => JSON.stringify(ofType(run, "aws:ssm/parameter:Parameter").map((p) => inputs(p).value));
            assert.notEqual(pems(after), pems(before));

            const instancesBefore = byName(before, INSTANCE);
            const instancesAfter = byName(after, INSTANCE);
            assert.deepEqual([...instancesAfter.keys()].sort(), [...instancesBefore.keys()].sort());
            for (const [name, inputsBefore] of instancesBefore) {
                assert.deepEqual(instancesAfter.get(name), inputsBefore, `${name}: an input changed, and userData or another replace-triggering input would replace it`);
            }
            // What does change: each server's bundle (its certificates), as an in-place update of the same object.
            const bundlesBefore = byName(before, "aws:s3/bucketObjectv2:BucketObjectv2");
            const bundlesAfter = byName(after, "aws:s3/bucketObjectv2:BucketObjectv2");
            const changed = [...bundlesBefore].filter(([name, i]) => bundlesAfter.get(name)?.content !== i.content).map(([name]) => name);
            assert.equal(changed.length, bundlesBefore.size, `every server's bundle carries a certificate; changed: ${changed.join(", ")}`);
            for (const [name, i] of bundlesBefore) assert.equal(bundlesAfter.get(name)?.key, i.key, `${name} keeps its key`);
        });
    }
});
