import { strict as assert } from "assert";
import { applyOverrides, ConfigOverride, OverrideError, parseOverride } from "../../config/overrides";
import { ConfigError, validateConfig } from "../../config/validateConfig";
import { loadStackConfig } from "../../plan/stackConfig";

function overrideError(body: () => unknown): string {
    try {
        body();
    } catch (error) {
        assert.ok(error instanceof OverrideError, `expected an OverrideError, got ${error}`);
        return error.message;
    }
    assert.fail("expected an OverrideError, got none");
}

const set = (...assignments: string[]): ConfigOverride[] => assignments.map(parseOverride);

describe("--set overrides (config/overrides.ts)", () => {
    it("reads namespace:key=value, with an optional dotted path into the key's object", () => {
        assert.deepEqual(parseOverride("webstack:backendHop=plaintext"), { name: "webstack:backendHop", key: "webstack:backendHop", path: [], value: "plaintext" });
        assert.deepEqual(parseOverride("webstack:database.placement=dedicated"), { name: "webstack:database.placement", key: "webstack:database", path: ["placement"], value: "dedicated" });
        assert.deepEqual(parseOverride("webstack:network.existingVpc.vpcId=vpc-1"), {
            name: "webstack:network.existingVpc.vpcId",
            key: "webstack:network",
            path: ["existingVpc", "vpcId"],
            value: "vpc-1",
        });
        // The value is everything after the first "=".
        assert.equal(parseOverride("webstack:monitoring.notify=@a=b").value, "@a=b");
        assert.equal(parseOverride("aws:region=eu-west-1").key, "aws:region");
    });

    it("refuses a malformed assignment, naming the form", () => {
        for (const bad of ["nonsense", "backendHop=tls", "webstack:=tls", "webstack:backendHop", "webstack:database..placement=x"]) {
            assert.match(
                overrideError(() => parseOverride(bad)),
                /expected namespace:key=value, the key as Pulumi\.<stack>\.yaml names it/,
                bad,
            );
        }
    });

    it("refuses a key the schema does not have, listing the keys allowed there", () => {
        assert.match(
            overrideError(() => parseOverride("webstack:backendhop=tls")),
            /^--set webstack:backendhop: unknown config key webstack:backendhop; keys of webstack: domain, .*backendHop/,
        );
        assert.match(
            overrideError(() => parseOverride("webstack:database.placment=dedicated")),
            /^--set webstack:database\.placment: unknown config key webstack:database\.placment; keys of webstack:database: placement, engine, /,
        );
        assert.equal(
            overrideError(() => parseOverride("webstack:backendHop.mode=tls")),
            "--set webstack:backendHop.mode: webstack:backendHop is not an object; set it whole: --set 'webstack:backendHop=<value>'",
        );
        assert.match(
            overrideError(() => parseOverride("webstack:monitoring.tags.first=team:a")),
            /webstack:monitoring\.tags is not an object/,
        );
        assert.match(
            overrideError(() => parseOverride("pulumi:tags.x=1")),
            /unknown namespace "pulumi"; allowed: webstack \(the program's config\), aws, datadog \(provider config\)/,
        );
    });

    it("changes one value inside a structured key and keeps its siblings; a later override wins", () => {
        const config = { "webstack:database": '{"placement":"rds","backupRetentionDays":14}', "webstack:backendHop": "tls" };
        const applied = applyOverrides(config, set("webstack:database.placement=colocated", "webstack:database.dataVolumeGb=30", "webstack:backendHop=plaintext", "webstack:backendHop=tls"));
        assert.deepEqual(JSON.parse(applied["webstack:database"]), { placement: "colocated", backupRetentionDays: 14, dataVolumeGb: 30 });
        assert.equal(applied["webstack:backendHop"], "tls");
        assert.equal(config["webstack:database"], '{"placement":"rds","backupRetentionDays":14}', "the stack's config is not changed in place");
        // A key the stack file does not set, and objects on the way, are created.
        assert.deepEqual(JSON.parse(applyOverrides({}, set("webstack:network.existingVpc.vpcId=vpc-1"))["webstack:network"]), { existingVpc: { vpcId: "vpc-1" } });
        // A whole structured value replaces the key, as before paths existed.
        assert.equal(applyOverrides(config, set('webstack:database={"placement":"dedicated"}'))["webstack:database"], '{"placement":"dedicated"}');
    });

    it("types a value as YAML would: JSON when it parses, a string otherwise", () => {
        const monitoring = (value: string) => JSON.parse(applyOverrides({}, set(`webstack:monitoring.${value}`))["webstack:monitoring"]);
        assert.deepEqual(monitoring("qpsFloor=0.5"), { qpsFloor: 0.5 });
        assert.deepEqual(monitoring("datadogAwsIntegration=true"), { datadogAwsIntegration: true });
        assert.deepEqual(monitoring('tags=["team:a","tier:web"]'), { tags: ["team:a", "tier:web"] });
        assert.deepEqual(monitoring("notify=@pagerduty-web"), { notify: "@pagerduty-web" });
        assert.deepEqual(monitoring('notify="42"'), { notify: "42" });
    });

    it("refuses a path into a value the stack file holds that is not an object", () => {
        assert.equal(
            overrideError(() => applyOverrides({ "aws:region": "us-east-1" }, set("aws:region.name=x"))),
            "--set aws:region.name: aws:region is us-east-1 in the stack config, not an object",
        );
        assert.equal(
            overrideError(() => applyOverrides({ "aws:defaultTags": '{"tags":["env"]}' }, set("aws:defaultTags.tags.env=dev"))),
            '--set aws:defaultTags.tags.env: aws:defaultTags.tags is ["env"] in the stack config, not an object',
        );
    });

    it("a good override reaches the validated config; a bad value is reported by the schema, naming the key and what is allowed", () => {
        const dev = loadStackConfig("dev").config;
        const { config } = validateConfig(applyOverrides(dev, set("webstack:database.placement=dedicated", "webstack:backendHop=tls", "webstack:appServerCount=3")), "dev");
        assert.equal(config.database.placement, "dedicated");
        assert.equal(config.backendHop, "tls");
        assert.equal(config.appServerCount, 3);
        assert.deepEqual(config.monitoring.tags, ["team:web"], "the rest of the stack file stays");
        assert.throws(
            () => validateConfig(applyOverrides(dev, set("webstack:database.placement=cluster")), "dev"),
            (error: Error) => error instanceof ConfigError && /webstack:database\.placement = "cluster": Invalid option: expected one of "colocated"\|"dedicated"\|"rds"/.test(error.message),
        );
    });
});
