import { strict as assert } from "assert";
import { ConfigError, validateConfig } from "../../config/validateConfig";
import { runProgram } from "../../plan/runProgram";

const base = { "webstack:domain": "example.com", "datadog:apiKey": "k", "datadog:appKey": "a" };

function problemsOf(raw: Record<string, string>): string[] {
    try {
        validateConfig(raw);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("validateConfig", () => {
    it("applies the documented defaults to a minimal config", () => {
        const { config } = validateConfig(base);
        assert.equal(config.appServerCount, 2);
        assert.equal(config.backendHop, "tls");
        assert.deepEqual(config.clientCidrs, ["0.0.0.0/0"]);
        assert.deepEqual(config.adminCidrs, []);
        assert.equal(config.database.placement, "dedicated");
        assert.equal(config.database.engine, "mariadb");
        assert.equal(config.certificate.keyAlgorithm, "ECDSA");
        assert.equal(config.network.vpcCidr, "10.20.0.0/16");
        assert.equal(config.monitoring.qpsSpikeThreshold, 500);
    });

    const rejected: [string, Record<string, string>, RegExp][] = [
        ["an unknown top-level key", { "webstack:colour": "blue" }, /webstack:colour: unknown config key; allowed here: domain, .*backendHop/],
        ["an unknown nested key", { "webstack:database": '{"placement":"rds","size":3}' }, /webstack:database\.size: unknown config key; allowed here: placement, engine/],
        ["a wrong type", { "webstack:appServerCount": '"two"' }, /webstack:appServerCount = "two": .*expected number/],
        ["a CIDR that does not parse", { "webstack:clientCidrs": '["10.0.0.0/33"]' }, /webstack:clientCidrs\.0 = "10\.0\.0\.0\/33": must be an IPv4 CIDR/],
        ["a CIDR with host bits set", { "webstack:adminCidrs": '["192.0.2.7/24"]' }, /webstack:adminCidrs\.0 = "192\.0\.2\.7\/24"/],
        ["zero app servers", { "webstack:appServerCount": "0" }, /webstack:appServerCount = 0: .*>=1/],
        ["colocated with one app server", { "webstack:appServerCount": "1", "webstack:database": '{"placement":"colocated"}' }, /webstack:appServerCount = 1: .*at least 2/],
        ["an unknown backend hop", { "webstack:backendHop": "ssl" }, /webstack:backendHop = "ssl": .*"plaintext"\|"tls"/],
        ["an unknown placement", { "webstack:database": '{"placement":"cluster"}' }, /webstack:database\.placement = "cluster": .*"colocated"\|"dedicated"\|"rds"/],
        ["an unknown engine", { "webstack:database": '{"engine":"postgres"}' }, /webstack:database\.engine = "postgres": must be "mariadb"/],
        [
            "the removed MySQL 8 flavour, naming its replacement",
            { "webstack:database": '{"engine":"mysql"}' },
            /webstack:database\.engine = "mysql": the self-managed MySQL 8 flavour was removed: self-managed databases run Debian's MariaDB 11\.8\. Set database\.engine to mariadb .*or use database\.placement rds/,
        ],
        ["SSH open to the world", { "webstack:adminCidrs": '["0.0.0.0/0"]' }, /webstack:adminCidrs = \["0\.0\.0\.0\/0"\]: together cover every IPv4 address/],
        ["a weak RSA key", { "webstack:certificate": '{"keyAlgorithm":"RSA","rsaBits":1024}' }, /webstack:certificate\.rsaBits = 1024/],
        ["a certificate valid for more than 397 days", { "webstack:certificate": '{"validityDays":825}' }, /webstack:certificate\.validityDays = 825/],
        [
            "early renewal not before expiry",
            { "webstack:certificate": '{"validityDays":30,"earlyRenewalDays":30}' },
            /webstack:certificate\.earlyRenewalDays = 30: earlyRenewalDays must be smaller than validityDays/,
        ],
        [
            "a VPC too small for the subnets",
            { "webstack:network": '{"vpcCidr":"10.0.0.0/24"}' },
            /webstack:network\.vpcCidr = "10\.0\.0\.0\/24": must be a \/16 to \/22.*16 equal subnets, which must be \/26 or larger/,
        ],
        ["a domain that is not a DNS name", { "webstack:domain": "Example_com" }, /webstack:domain = "Example_com": must be a lower-case DNS name/],
        ["provided certificate without the PEMs", { "webstack:certificate": '{"source":"provided"}' }, /webstack:certificatePem: certificate\.source is "provided"/],
        ["PEMs without the provided source", { "webstack:certificatePem": "-----BEGIN CERTIFICATE-----" }, /webstack:certificatePem: only used when certificate\.source is "provided"/],
        [
            "a tag that breaks out of the install script's quotes",
            { "webstack:monitoring": `{"tags":["owner:x'$(id)'"]}` },
            /webstack:monitoring\.tags\.0 = "owner:x'\$\(id\)'": must be a Datadog tag key:value/,
        ],
        ["an honest tag with a quote", { "webstack:monitoring": `{"tags":["owner:o'neil"]}` }, /webstack:monitoring\.tags\.0 = "owner:o'neil": must be a Datadog tag/],
        ["a tag over Datadog's 200 characters", { "webstack:monitoring": `{"tags":["team:${"a".repeat(200)}"]}` }, /webstack:monitoring\.tags\.0 = .*at most 200 characters/],
        ["a tag with upper case or a leading digit", { "webstack:monitoring": '{"tags":["Team:Web","9team:web"]}' }, /webstack:monitoring\.tags\.1 = "9team:web": must be a Datadog tag/],
        [
            "a tag key the stack sets itself",
            { "webstack:monitoring": '{"tags":["env:prod"]}' },
            /webstack:monitoring\.tags\.0 = "env:prod": must not use the keys the stack sets itself: env, service, role/,
        ],
        ["a non-canonical world CIDR", { "webstack:adminCidrs": '["0/0"]' }, /webstack:adminCidrs\.0 = "0\/0": must be an IPv4 CIDR block in canonical form/],
        ["a hex CIDR nft cannot read", { "webstack:clientCidrs": '["0x0a.0.0.0/8"]' }, /webstack:clientCidrs\.0 = "0x0a\.0\.0\.0\/8": must be an IPv4 CIDR block in canonical form/],
        ["an octal-looking CIDR", { "webstack:clientCidrs": '["010.0.0.0/8"]' }, /webstack:clientCidrs\.0 = "010\.0\.0\.0\/8": .*no hex, octal, leading zeros/],
        [
            "a CIDR with host bits set, naming the fix",
            { "webstack:clientCidrs": '["192.0.2.7/24"]' },
            /webstack:clientCidrs\.0 = "192\.0\.2\.7\/24": must be an IPv4 CIDR with the host bits clear: write 192\.0\.2\.0\/24/,
        ],
        ["SSH to the world in two halves", { "webstack:adminCidrs": '["0.0.0.0/1","128.0.0.0/1"]', "webstack:adminCidrMinPrefix": "8" }, /webstack:adminCidrs = .*together cover every IPv4 address/],
        ["two servers refreshing their image at once", { "webstack:refreshImage": '["app-1","app-0"]' }, /webstack:refreshImage = .*lists more than one server: refresh images one server at a time/],
        [
            "an image refresh of a server the stack does not have",
            { "webstack:refreshImage": '["app-7"]' },
            /webstack:refreshImage\.0 = "app-7": is not a server of this stack; servers: lb, app-0, app-1/,
        ],
        ["an admin CIDR wider than /16", { "webstack:adminCidrs": '["10.0.0.0/8"]' }, /webstack:adminCidrs\.0 = "10\.0\.0\.0\/8": is wider than \/16 \(adminCidrMinPrefix\)/],
        [
            "an admin CIDR wider than a stricter minimum",
            { "webstack:adminCidrs": '["203.0.113.0/24"]', "webstack:adminCidrMinPrefix": "28" },
            /webstack:adminCidrs\.0 = "203\.0\.113\.0\/24": is wider than \/28/,
        ],
        ["a duplicate CIDR", { "webstack:clientCidrs": '["203.0.113.0/24","198.51.100.0/24","203.0.113.0/24"]' }, /webstack:clientCidrs\.2 = "203\.0\.113\.0\/24": duplicates entry 0/],
        ["a CIDR inside another", { "webstack:adminCidrs": '["203.0.113.0/24","203.0.113.64/26"]' }, /webstack:adminCidrs\.1 = "203\.0\.113\.64\/26": lies inside entry 0 \(203\.0\.113\.0\/24\)/],
        ["a /8 VPC", { "webstack:network": '{"vpcCidr":"10.0.0.0/8"}' }, /webstack:network\.vpcCidr = "10\.0\.0\.0\/8": must be a \/16 to \/22: AWS allows VPCs from \/16 to \/28/],
        ["a world VPC", { "webstack:network": '{"vpcCidr":"0.0.0.0/0"}' }, /webstack:network\.vpcCidr = "0\.0\.0\.0\/0": must be a \/16 to \/22/],
        [
            "existing subnets that overlap across tiers",
            {
                "webstack:network":
                    '{"existingVpc":{"vpcId":"vpc-1","publicSubnets":[{"id":"subnet-a1","cidr":"10.0.0.0/24"},{"id":"subnet-a2","cidr":"10.0.1.0/24"}],"appSubnets":[{"id":"subnet-b1","cidr":"10.0.0.128/25"},{"id":"subnet-b2","cidr":"10.0.3.0/24"}],"databaseSubnets":[{"id":"subnet-c1","cidr":"10.0.4.0/24"},{"id":"subnet-c2","cidr":"10.0.5.0/24"}]}}',
            },
            /webstack:network\.existingVpc\.appSubnets\.0\.cidr = "10\.0\.0\.128\/25": overlaps 10\.0\.0\.0\/24 as existingVpc\.publicSubnets\[0\]/,
        ],
        [
            "the same existing subnet in two tiers",
            {
                "webstack:network":
                    '{"existingVpc":{"vpcId":"vpc-1","publicSubnets":[{"id":"subnet-a1","cidr":"10.0.0.0/24"},{"id":"subnet-a2","cidr":"10.0.1.0/24"}],"appSubnets":[{"id":"subnet-b1","cidr":"10.0.2.0/24"},{"id":"subnet-b2","cidr":"10.0.3.0/24"}],"databaseSubnets":[{"id":"subnet-a1","cidr":"10.0.4.0/24"},{"id":"subnet-c2","cidr":"10.0.5.0/24"}]}}',
            },
            /webstack:network\.existingVpc\.databaseSubnets\.0\.id = "subnet-a1": is the same subnet \(subnet-a1\) as existingVpc\.publicSubnets\[0\]/,
        ],
        [
            "existing subnets too small for the app servers",
            {
                "webstack:appServerCount": "12",
                "webstack:network":
                    '{"existingVpc":{"vpcId":"vpc-1","publicSubnets":[{"id":"subnet-a1","cidr":"10.0.0.0/24"},{"id":"subnet-a2","cidr":"10.0.1.0/24"}],"appSubnets":[{"id":"subnet-b1","cidr":"10.0.2.0/28"},{"id":"subnet-b2","cidr":"10.0.3.0/28"}],"databaseSubnets":[{"id":"subnet-c1","cidr":"10.0.4.0/24"},{"id":"subnet-c2","cidr":"10.0.5.0/24"}]}}',
            },
            /webstack:network\.existingVpc\.appSubnets\.0\.cidr = "10\.0\.2\.0\/28": holds 16 addresses but 6 server\(s\) need 17 .*use a \/27 or larger/,
        ],
        [
            "an internal domain that shadows AWS",
            { "webstack:internalDomain": "amazonaws.com" },
            /webstack:internalDomain = "amazonaws\.com": must end in \.internal .*or lie under the stack's domain \(example\.com\)/,
        ],
        ["a QPS floor of zero, which can never fire", { "webstack:monitoring": '{"qpsFloor":0}' }, /webstack:monitoring\.qpsFloor = 0: must be greater than 0/],
        [
            "a leaf certificate that outlives its CA",
            { "webstack:certificate": '{"validityDays":200,"earlyRenewalDays":30,"caValidityDays":180}' },
            /webstack:certificate\.validityDays = 200: validityDays must be smaller than caValidityDays/,
        ],
        [
            "a domain whose www. name exceeds 253 characters",
            { "webstack:domain": `${"a".repeat(61)}.${"b".repeat(61)}.${"c".repeat(61)}.${"d".repeat(61)}.com` },
            /webstack:domain = .*makes www\.a+… 255 characters long; DNS names are at most 253/,
        ],
        ["a domain label over 63 characters", { "webstack:domain": `${"a".repeat(64)}.com` }, /webstack:domain = .*must be a lower-case DNS name/],
        [
            "an internal domain whose server names exceed 253 characters",
            { "webstack:internalDomain": `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.internal` },
            /webstack:internalDomain = .*259 characters long; DNS names are at most 253/,
        ],
        [
            "RDS without the Datadog AWS integration its monitors read",
            { "webstack:database": '{"placement":"rds"}' },
            /webstack:monitoring\.datadogAwsIntegration = .*must be true with database\.placement rds: the RDS replica-lag monitor reads aws\.rds\.\* metrics/,
        ],
        [
            "a malformed existing subnet",
            { "webstack:network": '{"existingVpc":{"vpcId":"vpc-1","publicSubnets":[{"id":"s-1","cidr":"10.0.0.0/24"}],"appSubnets":[],"databaseSubnets":[]}}' },
            /webstack:network\.existingVpc\.publicSubnets\.0\.id = "s-1": must be a subnet id/,
        ],
    ];
    for (const [what, raw, expected] of rejected) {
        it(`rejects ${what}, naming the key, the value and what is allowed`, () => {
            const problems = problemsOf({ ...base, ...raw });
            assert.ok(
                problems.some((p) => expected.test(p)),
                `no problem matched ${expected}:\n${problems.join("\n")}`,
            );
        });
    }

    it("asks for the Datadog keys when they are missing", () => {
        const problems = problemsOf({ "webstack:domain": "example.com" });
        assert.ok(problems.some((p) => /^datadog:apiKey: not set/.test(p)));
        assert.ok(problems.some((p) => /^datadog:appKey: not set/.test(p)));
    });

    it("requires the domain", () => {
        assert.ok(problemsOf({ "datadog:apiKey": "k", "datadog:appKey": "a" }).some((p) => /^webstack:domain = \(not set\)/.test(p)));
    });

    it("reports every problem at once", () => {
        const problems = problemsOf({ ...base, "webstack:appServerCount": "0", "webstack:backendHop": "x", "webstack:nope": "1" });
        assert.equal(problems.length, 3);
    });

    it("with the stack named, asks for the provider's default tags the monitors select by", () => {
        const problems = (() => {
            try {
                validateConfig({ ...base, "aws:defaultTags": '{"tags":{"env":"dev","service":"webstack"}}' }, "dev");
            } catch (error) {
                return (error as ConfigError).problems;
            }
            return [];
        })();
        assert.equal(problems.length, 1);
        assert.match(
            problems[0],
            /^aws:defaultTags = .*: must tag every AWS resource with stack=dev .*in Pulumi\.dev\.yaml set aws:defaultTags: \{tags: \{env: dev, service: webstack, stack: dev\}\}/,
        );
        assert.doesNotThrow(() => validateConfig({ ...base, "aws:defaultTags": '{"tags":{"env":"dev","service":"webstack","stack":"dev","team":"web"}}' }, "dev"));
        assert.throws(() => validateConfig(base, "dev"), /aws:defaultTags = \(not set\)/);
    });

    it("an invalid config fails the program before any resource is registered", async () => {
        await assert.rejects(runProgram("dev", { ...base, "webstack:appServerCount": "0" }, ["datadog:apiKey"]), (error: Error) => {
            assert.match(error.message, /webstack:appServerCount = 0/);
            return true;
        });
    });
});
