import { strict as assert } from "assert";
import * as fs from "fs";
import { parse } from "yaml";
import { configSchema, secretKeys } from "../../config/schema";
import { validateConfig } from "../../config/validateConfig";

// The Pulumi SDK's own reader of the tsconfig the runtime starts with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions(path: string): Record<string, unknown> };

const project = parse(fs.readFileSync("Pulumi.yaml", "utf8"));

describe("Pulumi.yaml", () => {
    it("starts the program transpile-only; tsconfig.json (npm test's tsc) still type-checks", () => {
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.runtime.options.typescript, true);
        assert.equal(loadTypeScriptCompilerOptions(project.runtime.options.tsconfig).noCheck, true);
        assert.notEqual(loadTypeScriptCompilerOptions("tsconfig.json").noCheck, true);
    });

    it("documents exactly the keys the schema accepts, each with a description", () => {
        const documented = Object.keys(project.config).map((k) => k.replace(/^webstack:/, "")).sort();
        assert.deepEqual(documented, [...Object.keys(configSchema.shape), ...secretKeys].sort());
        for (const [key, declaration] of Object.entries<{ description?: string }>(project.config)) {
            assert.ok(declaration.description && declaration.description.length > 20, `${key} lacks a description`);
        }
    });

    it("declares the same scalar defaults as the code", () => {
        const { config } = validateConfig({ "webstack:domain": "example.com", "datadog:apiKey": "k", "datadog:appKey": "a" });
        for (const [fullKey, declaration] of Object.entries<{ default?: unknown }>(project.config)) {
            if (declaration.default !== undefined) {
                assert.deepEqual(declaration.default, (config as Record<string, unknown>)[fullKey.replace(/^webstack:/, "")], fullKey);
            }
        }
    });
});
