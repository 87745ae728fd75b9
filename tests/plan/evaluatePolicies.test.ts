import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { evaluatePolicies, loadPolicyConfig, PlannedResource } from "../../plan/evaluatePolicies";
import { policySchema } from "../../policy-pack/lib/configSchema";
import { cachedByText } from "../../policy-pack/lib/textCache";
import { withWaivers } from "../../policy-pack/lib/waivers";
import { policies } from "../../policy-pack/policies";
import { resource } from "../policy-pack/fixtures";

/** What validateResourceOfType and asType take: the stand-in classes below are cast to it. */
type ResourceClass = Parameters<typeof validateResourceOfType>[0];

const bucket = resource("aws:s3/bucket:Bucket", "logs", { acl: "private" });
const key = resource("tls:index/privateKey:PrivateKey", "key", { algorithm: "RSA" });
const component: PlannedResource = { type: "webstack:net:Network", name: "net", urn: "urn:pulumi:dev::webstack::webstack:net:Network::net", parent: null, custom: false, inputs: {} };

/** A resource policy that reports every resource it sees, with its config in the message. */
function echoPolicy(name = "echo", extra: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy {
    return {
        name,
        description: "test",
        configSchema: policySchema({ threshold: { type: "integer", minimum: 1, default: 5 }, label: { type: "string", default: "x" } }),
        validateResource: (args, report) => report(`${args.name} ${JSON.stringify(args.getConfig())}`),
        ...extra,
    };
}

function writeJson(value: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-")), "config.json");
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
}

describe("evaluatePolicies", () => {
    it("runs resource policies once per custom resource, not on components", () => {
        const findings = evaluatePolicies([echoPolicy()], [bucket, key, component]);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.type]),
            [
                ["logs", "aws:s3/bucket:Bucket"],
                ["key", "tls:index/privateKey:PrivateKey"],
            ],
        );
    });

    it("getConfig merges the policy config over configSchema defaults", () => {
        const [f] = evaluatePolicies([echoPolicy()], [bucket], { echo: { enforcementLevel: "mandatory", threshold: 9 } });
        assert.deepStrictEqual(JSON.parse(f.message.slice("logs ".length)), { threshold: 9, label: "x", waivers: [] });
    });

    it("applies level precedence: policy entry > all > policy level > advisory", () => {
        const own = echoPolicy("own", { enforcementLevel: "mandatory" });
        const plain = echoPolicy("plain");
        const lvl = (cfg: Parameters<typeof evaluatePolicies>[2]) => evaluatePolicies([own, plain], [bucket], cfg).map((f) => `${f.policy}:${f.enforcementLevel}`);
        assert.deepStrictEqual(lvl(undefined), ["own:mandatory", "plain:advisory"]);
        assert.deepStrictEqual(lvl({ all: "advisory" }), ["own:advisory", "plain:advisory"]);
        assert.deepStrictEqual(lvl({ all: "advisory", plain: "mandatory" }), ["own:advisory", "plain:mandatory"]);
        assert.deepStrictEqual(lvl({ plain: { enforcementLevel: "remediate" } }), ["own:mandatory", "plain:mandatory"]);
    });

    it("skips disabled policies", () => {
        assert.deepStrictEqual(evaluatePolicies([echoPolicy()], [bucket], { echo: "disabled" }), []);
        assert.deepStrictEqual(evaluatePolicies([echoPolicy()], [bucket], { all: "disabled" }), []);
    });

    it("treats notApplicable (and validateResourceOfType on other types) as no finding", () => {
        class Bucket {
            static __pulumiType = "aws:s3/bucket:Bucket";
        }
        const typed: ResourceValidationPolicy = {
            name: "typed",
            description: "t",
            validateResource: validateResourceOfType(Bucket as unknown as ResourceClass, (_props, args, report) => report(`bucket ${args.name}`)),
        };
        const skipper: ResourceValidationPolicy = { name: "skip", description: "t", validateResource: (args) => args.notApplicable("never") };
        const findings = evaluatePolicies([typed, skipper], [bucket, key]);
        assert.deepStrictEqual(
            findings.map((f) => f.message),
            ["bucket logs"],
        );
    });

    it("turns a throwing policy into a finding instead of crashing", () => {
        const boom: ResourceValidationPolicy = {
            name: "boom",
            description: "t",
            enforcementLevel: "mandatory",
            validateResource: () => {
                throw new Error("kaput");
            },
        };
        const stackBoom: StackValidationPolicy = {
            name: "stack-boom",
            description: "t",
            validateStack: () => {
                throw new TypeError("bad");
            },
        };
        const findings = evaluatePolicies([boom, stackBoom], [bucket]);
        assert.strictEqual(findings.length, 2);
        assert.match(findings[0].message, /policy boom failed on logs: kaput/);
        assert.strictEqual(findings[0].enforcementLevel, "mandatory");
        assert.match(findings[1].message, /policy stack-boom failed: bad/);
        assert.strictEqual(findings[1].resource, null);
    });

    it("gives stack policies inputs merged with outputs, parents and names; resolves reported URNs", () => {
        const child: PlannedResource = { ...resource("aws:lb/targetGroup:TargetGroup", "tg", { protocol: "HTTP" }, { arn: "arn:tg", protocol: "HTTP" }), parent: component.urn };
        const seen: unknown[] = [];
        const stack: StackValidationPolicy = {
            name: "stack",
            description: "t",
            validateStack: (args, report) => {
                for (const r of args.resources) {
                    seen.push({ name: r.name, props: r.props, parent: r.parent?.name, optsParent: r.opts.parent });
                }
                report("tg is bad", child.urn);
                report("stack-wide");
            },
        };
        const findings = evaluatePolicies([stack], [component, child]);
        assert.deepStrictEqual(seen[1], { name: "tg", props: { protocol: "HTTP", arn: "arn:tg" }, parent: "net", optsParent: component.urn });
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.type]),
            [
                ["tg", "aws:lb/targetGroup:TargetGroup"],
                [null, null],
            ],
        );
    });

    it("does not let one policy's mutation of props leak into the next", () => {
        const mutator: ResourceValidationPolicy = {
            name: "mut",
            description: "t",
            validateResource: (args) => {
                args.props.acl = "public-read";
            },
        };
        const reader: ResourceValidationPolicy = { name: "read", description: "t", validateResource: (args, report) => report(String(args.props.acl)) };
        assert.deepStrictEqual(
            evaluatePolicies([mutator, reader], [bucket]).map((f) => f.message),
            ["private"],
        );
    });

    it("gives each call one copy of props on every read (also through asType), which the policy may replace", () => {
        const seen: unknown[] = [];
        const policy: ResourceValidationPolicy = {
            name: "same",
            description: "t",
            validateResource: (args, report) => {
                seen.push(args.props === args.props, args.asType({ __pulumiType: "aws:s3/bucket:Bucket" } as unknown as ResourceClass) === args.props);
                args.props = { acl: "replaced" };
                report(String(args.props.acl));
            },
        };
        assert.deepStrictEqual(
            evaluatePolicies([policy], [bucket]).map((f) => f.message),
            ["replaced"],
        );
        assert.deepStrictEqual(seen, [true, true]);
        assert.strictEqual(bucket.inputs.acl, "private");
    });

    it("gives stack policies a copy of every resource's inputs and outputs that they cannot change for the next policy", () => {
        const withOutputs = resource("aws:s3/bucket:Bucket", "out", { acl: "private" }, { arn: "arn:out", acl: undefined });
        const mutator: StackValidationPolicy = {
            name: "mut",
            description: "t",
            validateStack: (args) => {
                args.resources[0].props.acl = "public-read";
            },
        };
        const reader: StackValidationPolicy = { name: "read", description: "t", validateStack: (args, report) => report(JSON.stringify(args.resources[0].props)) };
        assert.deepStrictEqual(
            evaluatePolicies([mutator, reader], [withOutputs]).map((f) => f.message),
            ['{"acl":"private","arn":"arn:out"}'],
        );
    });

    it("hands every getConfig call its own copy of the policy's settings", () => {
        const policy = echoPolicy("echo", {
            validateResource: (args, report) => {
                (args.getConfig() as { label: string }).label = "changed";
                report(JSON.stringify(args.getConfig()));
            },
        });
        assert.deepStrictEqual(
            evaluatePolicies([policy], [bucket], { echo: { label: "set" } }).map((f) => f.message),
            ['{"threshold":5,"label":"set","waivers":[]}'],
        );
    });

    it("empties the pack's parse caches when the evaluation ends", () => {
        let parses = 0;
        const parse = cachedByText((text: string) => {
            parses++;
            return text;
        });
        parse("t");
        parse("t");
        evaluatePolicies([], [bucket]);
        parse("t");
        assert.strictEqual(parses, 2);
    });

    it("reports an async policy as failed rather than silently passing", () => {
        const asyncPolicy: ResourceValidationPolicy = { name: "async", description: "t", validateResource: async () => undefined };
        assert.match(evaluatePolicies([asyncPolicy], [bucket])[0].message, /synchronous/);
    });

    describe("waivers", () => {
        const waived = [withWaivers(echoPolicy(), () => new Date("2030-06-15T12:00:00Z"))];
        it("drops a finding on a waived resource (by name or URN)", () => {
            const byName = evaluatePolicies(waived, [bucket, key], { echo: { waivers: [{ resource: "logs", reason: "accepted until the migration" }] } });
            assert.deepStrictEqual(
                byName.map((f) => f.resource),
                ["key"],
            );
            const byUrn = evaluatePolicies(waived, [bucket], { echo: { waivers: [{ resource: bucket.urn, reason: "accepted until the migration", expires: "2030-06-15" }] } });
            assert.deepStrictEqual(byUrn, []);
        });
        it("reports an expired waiver's finding and says it expired", () => {
            const [f] = evaluatePolicies(waived, [bucket], { echo: { waivers: [{ resource: "logs", reason: "accepted until the migration", expires: "2030-06-14" }] } });
            assert.match(f.message, /waiver for logs expired on 2030-06-14/);
        });
        it("ignores a waiver without a real reason", () => {
            assert.strictEqual(evaluatePolicies(waived, [bucket], { echo: { waivers: [{ resource: "logs", reason: "" }] } }).length, 1);
        });
    });
});

describe("loadPolicyConfig", () => {
    it("loads the shipped prod-mandatory.json", () => {
        const cfg = loadPolicyConfig(path.join(__dirname, "../../policy-pack/config/prod-mandatory.json"));
        assert.strictEqual(cfg["no-plaintext-backend-traffic"], "mandatory");
    });
    it("rejects an unknown policy name, naming it and the allowed names", () => {
        assert.throws(() => loadPolicyConfig(writeJson({ "no-such-policy": "mandatory" })), /"no-such-policy" is not a policy in this pack \(allowed: all, no-plaintext-backend-traffic/);
    });
    it("rejects a bad level", () => {
        assert.throws(() => loadPolicyConfig(writeJson({ all: "strict" })), /"all".enforcementLevel must be one of advisory, mandatory, remediate, disabled, got "strict"/);
    });
    it("rejects a knob failing the policy's configSchema", () => {
        assert.throws(() => loadPolicyConfig(writeJson({ "tls-key-strength": { minRsaBits: "big" } })), /"tls-key-strength".minRsaBits must be of type integer/);
        assert.throws(() => loadPolicyConfig(writeJson({ "tls-key-strength": { maxBits: 1 } })), /"tls-key-strength".maxBits is not a setting of this policy \(allowed: enforcementLevel, minRsaBits/);
    });
    it("rejects a waiver missing its reason or with a short reason", () => {
        assert.throws(() => loadPolicyConfig(writeJson({ "imdsv2-required": { waivers: [{ resource: "lb" }] } })), /waivers\[0\].reason is required/);
        assert.throws(() => loadPolicyConfig(writeJson({ "imdsv2-required": { waivers: [{ resource: "lb", reason: "meh" }] } })), /reason must be at least 10 characters/);
        assert.throws(() => loadPolicyConfig(writeJson({ "imdsv2-required": { waivers: [{ resource: "lb", reason: "legacy AMI until Q3", expires: "next week" }] } })), /expires must match/);
    });
    it("accepts a valid waiver", () => {
        const cfg = loadPolicyConfig(writeJson({ "imdsv2-required": { enforcementLevel: "mandatory", waivers: [{ resource: "lb", reason: "legacy AMI until Q3", expires: "2030-01-01" }] } }));
        assert.ok(cfg["imdsv2-required"]);
        assert.strictEqual(policies.length, 17);
    });
});
