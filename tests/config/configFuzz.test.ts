import { strict as assert } from "assert";
import * as fc from "fast-check";
import { planTopology, subnetCidrsFromConfig } from "../../model";
import { ConfigError, validateConfig } from "../../config/validateConfig";

// 1,000 generated hostile configs: each is either valid and plans (subnets, topology: what the
// program computes before it registers anything) without throwing, or is refused with a
// ConfigError whose every problem names a config key. Anything else is a crash.

const hostileString = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.constantFrom("", " ", "0/0", "0x0a.0.0.0/8", "010.0.0.0/8", "10.0.0.1/16", "::/0", "0.0.0.0/1", "128.0.0.0/1", "'$(id)'", "`id`", "o'neil", "a\nb", "\u0000", "amazonaws.com", "x".repeat(300)),
);
const cidr = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 })).map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
    fc.constantFrom("0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8", "10.20.0.0/16", "10.0.0.0/28", "203.0.113.0/24", "0/0", "0xa.0.0.0/8"),
    hostileString,
);
const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 2, 3, 20, 21, 1e308, Number.NaN, Infinity));
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(hostileString, { maxLength: 3 }),
    fc.dictionary(hostileString, hostileString, { maxKeys: 2 }),
);
const subnet = fc.record({ id: fc.oneof(fc.constantFrom("subnet-0a", "subnet-0b", "subnet-0c"), hostileString), cidr }, { requiredKeys: [] });
const domain = fc.oneof(fc.domain(), fc.constantFrom("example.com", "amazonaws.com", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.com`), hostileString);

/** Well-formed existing subnets that may still clash: shared ids, overlapping or tiny CIDRs. */
const plausibleSubnet = fc.record({
    id: fc.constantFrom("subnet-01", "subnet-02", "subnet-03", "subnet-04", "subnet-05", "subnet-06", "subnet-07"),
    cidr: fc.constantFrom("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24", "10.0.0.0/28", "10.0.6.0/28", "10.0.7.0/28", "10.0.0.128/25", "10.0.0.0/16"),
});
const plausibleExistingVpc = fc.record({
    existingVpc: fc.record({
        vpcId: fc.constant("vpc-0a"),
        publicSubnets: fc.array(plausibleSubnet, { minLength: 2, maxLength: 3 }),
        appSubnets: fc.array(plausibleSubnet, { minLength: 2, maxLength: 3 }),
        databaseSubnets: fc.array(plausibleSubnet, { minLength: 2, maxLength: 3 }),
    }),
});

const hostileFields = fc.record(
    {
        "webstack:domain": domain,
        "webstack:internalDomain": fc.oneof(domain, fc.constantFrom("webstack.internal", "corp.internal")),
        "webstack:clientCidrs": fc.array(cidr, { maxLength: 4 }),
        "webstack:adminCidrs": fc.array(cidr, { maxLength: 4 }),
        "webstack:adminCidrMinPrefix": hostileNumber,
        "webstack:appServerCount": hostileNumber,
        "webstack:backendHop": fc.oneof(fc.constantFrom("tls", "plaintext"), hostileString),
        "webstack:network": fc.oneof(
            plausibleExistingVpc,
            fc.record(
                {
                    vpcCidr: cidr,
                    availabilityZones: hostileNumber,
                    existingVpc: fc.record(
                        {
                            vpcId: fc.oneof(fc.constant("vpc-0a"), hostileString),
                            publicSubnets: fc.array(subnet, { maxLength: 3 }),
                            appSubnets: fc.array(subnet, { maxLength: 3 }),
                            databaseSubnets: fc.array(subnet, { maxLength: 3 }),
                        },
                        { requiredKeys: [] },
                    ),
                    colour: anyValue,
                },
                { requiredKeys: [] },
            ),
        ),
        "webstack:database": fc.record(
            { placement: fc.oneof(fc.constantFrom("colocated", "dedicated", "rds"), hostileString), engine: fc.oneof(fc.constantFrom("mysql", "mariadb"), hostileString), name: hostileString },
            { requiredKeys: [] },
        ),
        "webstack:certificate": fc.record(
            { validityDays: hostileNumber, earlyRenewalDays: hostileNumber, caValidityDays: hostileNumber, source: fc.constantFrom("generated", "provided") },
            { requiredKeys: [] },
        ),
        "webstack:monitoring": fc.record(
            { tags: fc.array(hostileString, { maxLength: 3 }), qpsFloor: hostileNumber, qpsSpikeThreshold: hostileNumber, noDataMinutes: hostileNumber },
            { requiredKeys: [] },
        ),
        "webstack:certificatePem": hostileString,
        "webstack:unknownKey": anyValue,
    },
    { requiredKeys: [] },
);

/** Valid configs that vary where the program branches (counts, placement, hop, zones, existing subnets). */
const validBase = fc.record({
    "webstack:domain": fc.constantFrom("example.com", "shop.example.org"),
    "webstack:appServerCount": fc.integer({ min: 2, max: 20 }),
    "webstack:backendHop": fc.constantFrom("tls", "plaintext"),
    "webstack:adminCidrs": fc.constantFrom([], ["203.0.113.0/24"], ["198.51.100.0/28", "203.0.113.0/24"]),
    "webstack:database": fc.record({ placement: fc.constantFrom("colocated", "dedicated", "rds") }),
    "webstack:monitoring": fc.constant({ datadogAwsIntegration: true }),
    "webstack:network": fc.oneof(
        fc.record({ vpcCidr: fc.constantFrom("10.20.0.0/16", "10.0.0.0/22", "172.16.0.0/20"), availabilityZones: fc.constantFrom(2, 3) }),
        fc.constant({
            existingVpc: {
                vpcId: "vpc-0a",
                publicSubnets: [
                    { id: "subnet-01", cidr: "10.0.0.0/24" },
                    { id: "subnet-02", cidr: "10.0.1.0/24" },
                ],
                appSubnets: [
                    { id: "subnet-03", cidr: "10.0.2.0/24" },
                    { id: "subnet-04", cidr: "10.0.3.0/24" },
                ],
                databaseSubnets: [
                    { id: "subnet-05", cidr: "10.0.4.0/24" },
                    { id: "subnet-06", cidr: "10.0.5.0/24" },
                ],
            },
        }),
    ),
});

/** A valid config with nothing, one or a few of its fields replaced by hostile ones. */
const HOSTILE_KEYS = [
    "webstack:domain",
    "webstack:internalDomain",
    "webstack:clientCidrs",
    "webstack:adminCidrs",
    "webstack:adminCidrMinPrefix",
    "webstack:appServerCount",
    "webstack:backendHop",
    "webstack:network",
    "webstack:database",
    "webstack:certificate",
    "webstack:monitoring",
    "webstack:certificatePem",
    "webstack:unknownKey",
];
const config = fc.tuple(validBase, hostileFields, fc.subarray(HOSTILE_KEYS, { maxLength: 3 })).map(([base, hostile, keys]) => {
    const overrides = Object.entries(hostile).filter(([key]) => keys.includes(key));
    return { ...base, ...Object.fromEntries(overrides) } as Record<string, unknown>;
});

/** Pulumi hands the program strings: structured values as JSON, scalars as text. */
function asRawConfig(values: Record<string, unknown>): Record<string, string> {
    const raw: Record<string, string> = { "datadog:apiKey": "k", "datadog:appKey": "a" };
    for (const [key, value] of Object.entries(values)) {
        raw[key] = typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
    }
    return raw;
}

describe("config fuzz: 1,000 hostile configs", function () {
    this.timeout(120000);
    it("each is valid and plans, or is refused naming a key; none crashes", () => {
        let valid = 0;
        let refused = 0;
        fc.assert(
            fc.property(config, (values) => {
                const raw = asRawConfig(values);
                let validated;
                try {
                    validated = validateConfig(raw);
                } catch (error) {
                    assert.ok(error instanceof ConfigError, `crash instead of a ConfigError: ${(error as Error).stack}`);
                    assert.ok(error.problems.length > 0);
                    for (const problem of error.problems) {
                        assert.match(problem, /^(webstack|datadog):[A-Za-z]/, `a problem that names no key: ${problem}`);
                    }
                    refused++;
                    return;
                }
                const topology = planTopology(validated.config, subnetCidrsFromConfig(validated.config.network));
                const addresses = topology.servers.map((s) => s.privateIp);
                assert.equal(new Set(addresses).size, addresses.length, `two servers share an address: ${addresses.join(", ")}`);
                valid++;
            }),
            { numRuns: 1000, seed: 20261122 },
        );
        // Both outcomes must occur, or the generator proves nothing about one of them.
        assert.ok(valid >= 100 && refused >= 100, `valid ${valid}, refused ${refused}`);
        console.log(`      ${valid} valid and planned, ${refused} refused with named keys`);
    });
});
