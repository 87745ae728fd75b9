import * as assert from "assert";
import { PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";
import { policySchema, validateJsonSchema, withDefaults } from "../../../policy-pack/lib/configSchema";

describe("lib/configSchema", () => {
    const schema = policySchema({ n: { type: "integer", minimum: 2, default: 3 } });
    it("always adds waivers and applies defaults under supplied config", () => {
        assert.ok(schema.properties.waivers);
        assert.deepStrictEqual(withDefaults(schema, {}), { n: 3, waivers: [] });
        assert.deepStrictEqual(withDefaults(schema, { n: 5, enforcementLevel: "mandatory" }), { n: 5, waivers: [] });
    });
    it("validates types, bounds, patterns, required and unknown keys", () => {
        assert.deepStrictEqual(validateJsonSchema(1, schema.properties.n, "n"), ["n must be >= 2, got 1"]);
        assert.deepStrictEqual(validateJsonSchema(2.5, schema.properties.n, "n"), ["n must be of type integer, got 2.5"]);
        const errs = validateJsonSchema([{ resource: "lb", reason: "long enough reason", extra: 1 }], schema.properties.waivers, "w");
        assert.deepStrictEqual(errs, ["w[0].extra is not a known setting (allowed: resource, reason, expires)"]);
    });
    it("checks every keyword exactly at its boundaries", () => {
        const cases: [unknown, PolicyConfigJSONSchemaDefinition, string[]][] = [
            ["x", true, []],
            ["x", false, ["v is not allowed"]],
            [null, { type: "null" }, []],
            ["x", { type: ["integer", "string"] }, []],
            [[], { type: "object" }, ["v must be of type object, got []"]],
            ["b", { enum: ["a", "b"] }, []],
            ["c", { enum: ["a", "b"] }, ['v must be one of "a", "b", got "c"']],
            ["a", { const: "a" }, []],
            ["b", { const: "a" }, ['v must be "a"']],
            [2, { minimum: 2, maximum: 2 }, []],
            [1, { minimum: 2 }, ["v must be >= 2, got 1"]],
            [3, { maximum: 2 }, ["v must be <= 2, got 3"]],
            ["ab", { minLength: 2, maxLength: 2 }, []],
            ["a", { minLength: 2 }, ["v must be at least 2 characters long"]],
            ["abc", { maxLength: 2 }, ["v must be at most 2 characters long"]],
            ["abc", { pattern: "^a" }, []],
            ["xabc", { pattern: "^a" }, ['v must match ^a, got "xabc"']],
            [[1, 2], { minItems: 2, maxItems: 2 }, []],
            [[1], { minItems: 2 }, ["v must have at least 2 items"]],
            [[1, 2, 3], { maxItems: 2 }, ["v must have at most 2 items"]],
            [[1, "x"], { items: { type: "integer" } }, ['v[1] must be of type integer, got "x"']],
            [{}, { required: ["a"] }, ["v.a is required"]],
            [{ a: 1 }, { required: ["a"], properties: { a: { type: "string" } } }, ["v.a must be of type string, got 1"]],
            [{ a: 1, b: "x" }, { properties: { a: { type: "integer" } }, additionalProperties: { type: "integer" } }, ['v.b must be of type integer, got "x"']],
            [{ b: "x" }, { properties: {} }, []],
        ];
        for (const [value, schemaDef, expected] of cases) {
            assert.deepStrictEqual(validateJsonSchema(value, schemaDef, "v"), expected, `${JSON.stringify(value)} against ${JSON.stringify(schemaDef)}`);
        }
    });
    it("withDefaults copies defaults (never shares them), skips undefined values and works without a schema", () => {
        const withList = policySchema({ list: { type: "array", default: [1] } });
        const a = withDefaults<{ list: number[] }>(withList, {});
        a.list.push(2);
        assert.deepStrictEqual(withDefaults(withList, {}), { list: [1], waivers: [] });
        assert.deepStrictEqual(withDefaults(withList, { list: undefined }), { list: [1], waivers: [] });
        assert.deepStrictEqual(withDefaults(undefined, { x: 1 }), { x: 1 });
        assert.deepStrictEqual(withDefaults({ properties: { p: { type: "string" } } }, undefined), {});
    });
});
