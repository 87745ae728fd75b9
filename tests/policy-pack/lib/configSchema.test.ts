import * as assert from "assert";
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
});
