import { strict as assert } from "assert";
import { z } from "zod";
import { configSchema, secretKeys } from "../../config/schema";
import { codeSpans, readDoc, tableRows, withoutFences } from "./markdown";

/** What the schema says about one documented key: its default, or that it has none. */
interface SchemaKey {
    key: string;
    /** "required" (no default, must be set), "optional" (no default, may be left out) or the default value. */
    default: { value: unknown } | "required" | "optional";
}

/**
 * Every key the schema accepts, as the dotted paths `pulumi config set --path` takes, found by
 * walking the zod schema itself so the list cannot drift from the code. A section object
 * (network, database, ...) is walked into; an optional object (network.existingVpc) is one key,
 * documented as a whole.
 */
function schemaKeys(schema: z.ZodType, prefix = ""): SchemaKey[] {
    const keys: SchemaKey[] = [];
    const shape = (schema as z.ZodObject)._zod.def.shape;
    for (const [name, field] of Object.entries(shape)) {
        const key = `${prefix}${name}`;
        const def = (field as z.ZodType)._zod.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
        const inner = def.innerType?._zod.def.type;
        if (def.type === "object" || ((def.type === "prefault" || def.type === "default") && inner === "object")) {
            keys.push(...schemaKeys(def.type === "object" ? (field as z.ZodType) : def.innerType!, `${key}.`));
        } else if (def.type === "default" || def.type === "prefault") {
            keys.push({ key, default: { value: def.defaultValue } });
        } else {
            keys.push({ key, default: def.type === "optional" ? "optional" : "required" });
        }
    }
    return keys;
}

/** How docs/configuration.md writes a default: strings bare, everything else as JSON. */
function documented(value: unknown): string {
    return typeof value === "string" && value !== "" ? value : JSON.stringify(value);
}

describe("docs/configuration.md", () => {
    const doc = readDoc("docs/configuration.md");
    const rows = tableRows(doc, "key");
    // One row may document several keys that share a type and default (`appInstanceType`, `loadBalancerInstanceType`).
    const documentedKeys = rows.flatMap((row) => codeSpans(row[0]).map((key) => ({ key, defaultCell: row[2] })));
    const schema = [...schemaKeys(configSchema), ...secretKeys.map((key): SchemaKey => ({ key, default: "optional" }))];

    it("walks the schema to the keys a stack file sets (sanity check of the walker)", () => {
        const names = schema.map((k) => k.key);
        for (const key of ["domain", "network.vpcCidr", "network.existingVpc", "database.placement", "certificate.rsaBits", "monitoring.noDataMinutes", "certificatePem"]) {
            assert.ok(names.includes(key), `the walker missed ${key}`);
        }
        assert.ok(!names.includes("network"), "a section is not a key of its own");
    });

    it("documents every key the schema accepts, once", () => {
        const names = documentedKeys.map((d) => d.key);
        const missing = schema.map((k) => k.key).filter((key) => !names.includes(key));
        assert.deepEqual(missing, [], `keys the schema accepts but docs/configuration.md does not document`);
        const twice = names.filter((key, i) => names.indexOf(key) !== i);
        assert.deepEqual(twice, [], "keys documented twice");
    });

    it("documents no key the schema lacks", () => {
        const known = new Set(schema.map((k) => k.key));
        assert.deepEqual(
            documentedKeys.map((d) => d.key).filter((key) => !known.has(key)),
            [],
            "keys in the table that config/schema.ts does not accept",
        );
        // Prose mentions too: `webstack:foo.bar` outside the examples (the validation example
        // shows an unknown key on purpose) must name a key, or a section, the schema has.
        const sections = new Set(schema.map((k) => k.key.split(".")[0]));
        const mentioned = [...withoutFences(doc).matchAll(/webstack:([A-Za-z][A-Za-z0-9.]*[A-Za-z0-9])/g)].map((m) => m[1]);
        assert.deepEqual(
            mentioned.filter((key) => !known.has(key) && !sections.has(key)),
            [],
            "webstack: keys named in the prose that the schema lacks",
        );
    });

    it("gives every key the schema's default", () => {
        for (const { key, default: expected } of schema) {
            const row = documentedKeys.find((d) => d.key === key);
            if (!row) continue; // reported by the test above
            if (expected === "required") {
                assert.equal(row.defaultCell, "— (required)", `${key} has no default: document it as "— (required)"`);
            } else if (expected === "optional") {
                assert.equal(row.defaultCell, "— (optional)", `${key} has no default and may be left out: document it as "— (optional)"`);
            } else {
                assert.equal(row.defaultCell, `\`${documented(expected.value)}\``, `${key}: the schema's default is ${JSON.stringify(expected.value)}`);
            }
        }
    });
});
