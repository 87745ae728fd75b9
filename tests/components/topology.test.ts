import { strict as assert } from "assert";
import * as fc from "fast-check";
import { buildStackFacts, hostAddress, planSubnetCidrs, planTopology, planWebStack } from "../../model";
import { buildServerFiles, hostFirewallRules } from "../../render/serverFiles";
import { configSchema } from "../../config/schema";
import { ConfigError, validateConfig } from "../../config/validateConfig";

const PEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

describe("planSubnetCidrs / hostAddress", () => {
    it("gives each tier one subnet per zone without overlap", () => {
        assert.deepEqual(planSubnetCidrs("10.20.0.0/16", 2), {
            public: ["10.20.0.0/20", "10.20.16.0/20"],
            app: ["10.20.64.0/20", "10.20.80.0/20"],
            database: ["10.20.128.0/20", "10.20.144.0/20"],
        });
    });
    it("places hosts from .10 on and refuses an address past the subnet", () => {
        assert.equal(hostAddress("10.20.64.0/20", 0), "10.20.64.10");
        assert.equal(hostAddress("10.0.0.0/26", 3), "10.0.0.13");
        assert.throws(() => hostAddress("10.0.0.0/28", 5), /too small/);
    });
});

describe("planTopology", () => {
    const base = { "webstack:domain": "example.com", "datadog:apiKey": "k", "datadog:appKey": "a" };
    const topologyFor = (extra: Record<string, string>) => {
        const { config } = validateConfig({ ...base, ...extra });
        return planTopology(config, planSubnetCidrs(config.network.vpcCidr, config.network.availabilityZones));
    };

    it("colocated: primary on app-0, replica on app-1, every app server web + app (+ database)", () => {
        const t = topologyFor({ "webstack:database": '{"placement":"colocated"}', "webstack:appServerCount": "3" });
        assert.deepEqual(
            t.servers.map((s) => `${s.key}:${s.components.join("+")}:${s.database?.role ?? "-"}`),
            ["lb:load-balancer:-", "app-0:web+app+database:primary", "app-1:web+app+database:replica", "app-2:web+app:-"],
        );
    });

    it("dedicated: database servers in their own tier and zones", () => {
        const t = topologyFor({ "webstack:database": '{"placement":"dedicated"}' });
        assert.deepEqual(
            t.databaseServers.map((s) => [s.key, s.tier, s.zoneIndex, s.privateIp]),
            [
                ["db-0", "database", 0, "10.20.128.10"],
                ["db-1", "database", 1, "10.20.144.10"],
            ],
        );
    });

    it("rds: no self-managed database server", () => {
        assert.equal(topologyFor({ "webstack:database": '{"placement":"rds"}', "webstack:monitoring": '{"datadogAwsIntegration":true}' }).databaseServers.length, 0);
    });
});

// Property-based: random valid configs build a stack whose invariants hold; random invalid ones are refused clearly.
const validConfig = fc.record({
    appServerCount: fc.integer({ min: 2, max: 8 }),
    backendHop: fc.constantFrom("plaintext", "tls"),
    placement: fc.constantFrom("colocated", "dedicated", "rds"),
    zones: fc.constantFrom(2, 3),
    // Distinct blocks of one size never duplicate or nest, which validation refuses.
    clientCidrs: fc.uniqueArray(
        fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `${a}.${b}.0.0/16`),
        { minLength: 1, maxLength: 3 },
    ),
    adminCidrs: fc.uniqueArray(
        fc.integer({ min: 0, max: 255 }).map((c) => `192.0.${c}.0/24`),
        { maxLength: 2 },
    ),
});

describe("config properties (fast-check)", () => {
    it("any valid config renders servers whose firewalls open nothing wider than their peers", () => {
        fc.assert(
            fc.property(validConfig, (c) => {
                const { config } = validateConfig({
                    "webstack:domain": "example.org",
                    "datadog:apiKey": "k",
                    "datadog:appKey": "a",
                    "webstack:appServerCount": String(c.appServerCount),
                    "webstack:backendHop": c.backendHop,
                    "webstack:database": JSON.stringify({ placement: c.placement }),
                    "webstack:network": JSON.stringify({ availabilityZones: c.zones }),
                    "webstack:clientCidrs": JSON.stringify(c.clientCidrs),
                    "webstack:adminCidrs": JSON.stringify(c.adminCidrs),
                    "webstack:monitoring": JSON.stringify({ datadogAwsIntegration: true }),
                });
                const plan = planWebStack(config, "prop");
                const { topology } = plan;
                const facts = buildStackFacts(plan, {
                    region: "us-east-1",
                    certificates: { internalCaPem: PEM, frontendChainPem: PEM, serverCertificatePem: Object.fromEntries(topology.servers.map((s) => [s.key, PEM])) },
                    managedDatabase: { writerHost: "w.rds.amazonaws.com", readerHost: "r.rds.amazonaws.com", masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-x" },
                    dataVolumeIds: Object.fromEntries(topology.databaseServers.map((s, i) => [s.key, `vol-0prop${i}`])),
                });
                const addresses = new Set(topology.servers.map((s) => s.privateIp));
                assert.equal(addresses.size, topology.servers.length, "private addresses are unique");
                assert.equal(topology.appServers.length, c.appServerCount);
                assert.equal(topology.databaseServers.length, c.placement === "rds" ? 0 : 2);
                for (const server of topology.servers) {
                    for (const rule of hostFirewallRules(server, facts)) {
                        if (rule.port === 80 || rule.port === 443) {
                            if (server.role === "load-balancer") {
                                assert.deepEqual(rule.sources, c.clientCidrs);
                                continue;
                            }
                        }
                        if (rule.port === 22) {
                            assert.deepEqual(rule.sources, c.adminCidrs);
                            continue;
                        }
                        for (const source of rule.sources) {
                            assert.ok(addresses.has(source), `${server.key} opens ${rule.port} to ${source}, not a peer`);
                        }
                    }
                    const files = buildServerFiles(server, facts);
                    const haproxy = files.files.find((f) => f.path === "/etc/haproxy/haproxy.cfg");
                    if (haproxy) {
                        const servers = haproxy.content.split("\n").filter((l) => /^\s+server /.test(l));
                        assert.equal(servers.length, c.appServerCount);
                        assert.ok(servers.every((l) => (c.backendHop === "tls") === / ssl verify required /.test(l)));
                    }
                    assert.ok(files.files.every((f) => !/PRIVATE KEY/.test(f.content)));
                }
            }),
            { numRuns: 60 },
        );
    });

    it("any invalid value is refused with the key named", () => {
        const invalid = fc.oneof(
            fc.integer({ max: 0 }).map((n) => ["appServerCount", String(n)] as const),
            fc.integer({ min: 21, max: 1000 }).map((n) => ["appServerCount", String(n)] as const),
            fc
                .string({ minLength: 1 })
                .filter((s) => !["plaintext", "tls"].includes(s))
                .map((s) => ["backendHop", s] as const),
            fc.tuple(fc.integer({ min: 256, max: 999 }), fc.integer({ min: 0, max: 32 })).map(([a, p]) => ["clientCidrs", JSON.stringify([`${a}.0.0.0/${p}`])] as const),
            fc
                .string({ minLength: 1, maxLength: 12 })
                .filter((k) => /^[a-z]+$/.test(k) && !(k in configSchema.shape))
                .map((k) => [k, "1"] as const),
        );
        fc.assert(
            fc.property(invalid, ([key, value]) => {
                try {
                    validateConfig({ "webstack:domain": "example.org", "datadog:apiKey": "k", "datadog:appKey": "a", [`webstack:${key}`]: value });
                } catch (error) {
                    assert.ok(error instanceof ConfigError);
                    assert.ok(
                        error.problems.some((p) => p.startsWith(`webstack:${key}`)),
                        error.problems.join("\n"),
                    );
                    return;
                }
                assert.fail(`webstack:${key}=${value} was accepted`);
            }),
            { numRuns: 100 },
        );
    });
});
