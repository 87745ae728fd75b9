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
        assert.equal(config.database.engine, "mysql");
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
        ["an unknown engine", { "webstack:database": '{"engine":"postgres"}' }, /webstack:database\.engine = "postgres"/],
        ["SSH open to the world", { "webstack:adminCidrs": '["0.0.0.0/0"]' }, /webstack:adminCidrs .*must not contain 0\.0\.0\.0\/0/],
        ["a weak RSA key", { "webstack:certificate": '{"keyAlgorithm":"RSA","rsaBits":1024}' }, /webstack:certificate\.rsaBits = 1024/],
        ["a certificate valid for more than 397 days", { "webstack:certificate": '{"validityDays":825}' }, /webstack:certificate\.validityDays = 825/],
        ["early renewal not before expiry", { "webstack:certificate": '{"validityDays":30,"earlyRenewalDays":30}' }, /webstack:certificate\.earlyRenewalDays = 30: earlyRenewalDays must be smaller than validityDays/],
        ["a VPC too small for the subnets", { "webstack:network": '{"vpcCidr":"10.0.0.0/24"}' }, /webstack:network\.vpcCidr = "10\.0\.0\.0\/24": .*\/22 or larger/],
        ["a domain that is not a DNS name", { "webstack:domain": "Example_com" }, /webstack:domain = "Example_com": must be a lower-case DNS name/],
        ["provided certificate without the PEMs", { "webstack:certificate": '{"source":"provided"}' }, /webstack:certificatePem: certificate\.source is "provided"/],
        ["PEMs without the provided source", { "webstack:certificatePem": "-----BEGIN CERTIFICATE-----" }, /webstack:certificatePem: only used when certificate\.source is "provided"/],
        ["a tag that breaks out of the install script's quotes", { "webstack:monitoring": `{"tags":["owner:x'$(id)'"]}` }, /webstack:monitoring\.tags\.0 = "owner:x'\$\(id\)'": must be a Datadog tag key:value/],
        ["an honest tag with a quote", { "webstack:monitoring": `{"tags":["owner:o'neil"]}` }, /webstack:monitoring\.tags\.0 = "owner:o'neil": must be a Datadog tag/],
        ["a tag over Datadog's 200 characters", { "webstack:monitoring": `{"tags":["team:${"a".repeat(200)}"]}` }, /webstack:monitoring\.tags\.0 = .*at most 200 characters/],
        ["a tag with upper case or a leading digit", { "webstack:monitoring": '{"tags":["Team:Web","9team:web"]}' }, /webstack:monitoring\.tags\.1 = "9team:web": must be a Datadog tag/],
        ["a tag key the stack sets itself", { "webstack:monitoring": '{"tags":["env:prod"]}' }, /webstack:monitoring\.tags\.0 = "env:prod": must not use the keys the stack sets itself: env, service, role/],
        ["a malformed existing subnet", { "webstack:network": '{"existingVpc":{"vpcId":"vpc-1","publicSubnets":[{"id":"s-1","cidr":"10.0.0.0/24"}],"appSubnets":[],"databaseSubnets":[]}}' }, /webstack:network\.existingVpc\.publicSubnets\.0\.id = "s-1": must be a subnet id/],
    ];
    for (const [what, raw, expected] of rejected) {
        it(`rejects ${what}, naming the key, the value and what is allowed`, () => {
            const problems = problemsOf({ ...base, ...raw });
            assert.ok(problems.some((p) => expected.test(p)), `no problem matched ${expected}:\n${problems.join("\n")}`);
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

    it("accepts a provided certificate and hands back its PEMs", () => {
        const { providedCertificate } = validateConfig({
            ...base,
            "webstack:certificate": '{"source":"provided"}',
            "webstack:certificatePem": "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----",
            "webstack:certificateKeyPem": "-----BEGIN PRIVATE KEY-----\ny\n-----END PRIVATE KEY-----",
        });
        assert.match(providedCertificate!.privateKeyPem, /PRIVATE KEY/);
    });

    it("an invalid config fails the program before any resource is registered", async () => {
        await assert.rejects(runProgram("dev", { ...base, "webstack:appServerCount": "0" }, ["datadog:apiKey"]), (error: Error) => {
            assert.match(error.message, /webstack:appServerCount = 0/);
            return true;
        });
    });
});
