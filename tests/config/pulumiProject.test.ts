import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { configSchema, secretKeys } from "../../config/schema";
import { validateConfig } from "../../config/validateConfig";
import { staleSources } from "../../startup/buildFreshness";

const project = parse(fs.readFileSync("Pulumi.yaml", "utf8"));

describe("Pulumi.yaml", () => {
    it("runs the compiled entry point as plain JavaScript (no ts-node at start)", () => {
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.runtime.options.typescript, false);
        assert.equal(project.main, "bin/main.js");
        // bin/ is built output, never committed (npm ci builds it as `prepare`).
        assert.match(fs.readFileSync(".gitignore", "utf8"), /^bin\/$/m);
    });

    it("bin/ is built from the current sources (npm test builds it first: `pretest`)", () => {
        // Run alone after an edit, this fails until `npm run build`: the state `pulumi up` would refuse.
        assert.deepEqual(staleSources(process.cwd(), path.join(process.cwd(), "bin")), []);
        const stamp = JSON.parse(fs.readFileSync("bin/build-stamp.json", "utf8")) as { sources: string[] };
        for (const file of ["main.ts", "index.ts", "components/webstack/webStack.ts", "render/verbatim/webstack-bootstrap.py"]) {
            assert.ok(stamp.sources.includes(file), `${file} is not in the build`);
        }
    });

    it("documents exactly the keys the schema accepts, each with a description", () => {
        const documented = Object.keys(project.config)
            .map((k) => k.replace(/^webstack:/, ""))
            .sort();
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
