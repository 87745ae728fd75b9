import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { unwaivedPolicies } from "../../policy-pack/policies";
import { prodPolicyConfigText } from "../../scripts/generatePolicyConfig";
import { PROJECT_DOCS, ROOT, codeSpans, fencedBlocks, readDoc, tableRows } from "./markdown";

const PROD_MANDATORY = "policy-pack/config/prod-mandatory.json";

describe("policy-pack/README.md", () => {
    const rows = tableRows(readDoc("policy-pack/README.md"), "policy");
    const prodConfig = JSON.parse(fs.readFileSync(path.join(ROOT, PROD_MANDATORY), "utf8")) as Record<string, string>;

    it("lists exactly the pack's policies, in the pack's order", () => {
        assert.deepEqual(
            rows.map((row) => codeSpans(row[0])[0]),
            unwaivedPolicies.map((p) => p.name),
        );
    });

    it("gives each policy the category, severity and enforcement level it is defined with", () => {
        for (const policy of unwaivedPolicies) {
            const row = rows.find((r) => codeSpans(r[0])[0] === policy.name);
            assert.ok(row, `${policy.name} is not in the table`);
            assert.deepEqual(row.slice(1, 4), [policy.category, policy.severity, policy.enforcementLevel ?? "advisory"], `${policy.name}: category, severity, level`);
        }
    });

    it(`gives each policy its level under ${PROD_MANDATORY}`, () => {
        // Pulumi's policy-config format: a policy's own entry wins over "all", which wins over the policy's default.
        for (const policy of unwaivedPolicies) {
            const row = rows.find((r) => codeSpans(r[0])[0] === policy.name)!;
            const expected = prodConfig[policy.name] ?? prodConfig.all ?? policy.enforcementLevel;
            assert.equal(row[4], expected, `${policy.name}: level under ${PROD_MANDATORY}`);
        }
    });

    it("says what each policy flags and what fixes it", () => {
        for (const row of rows) {
            assert.equal(row.length, 7, `${row[0]}: seven columns`);
            assert.ok(row[5].length > 0 && row[6].length > 0, `${row[0]}: "flags" and "config that fixes it" are filled in`);
        }
    });
});

describe(PROD_MANDATORY, () => {
    it("is what the policies' severities make it (npm run generate:policy-config writes it)", () => {
        assert.equal(fs.readFileSync(path.join(ROOT, PROD_MANDATORY), "utf8"), prodPolicyConfigText(), "run npm run generate:policy-config and review the diff");
    });

    it("makes every high or critical policy mandatory and nothing else", () => {
        const config = JSON.parse(prodPolicyConfigText()) as Record<string, string>;
        const mandatory = Object.keys(config).filter((name) => config[name] === "mandatory");
        assert.deepEqual(
            mandatory,
            unwaivedPolicies.filter((p) => p.severity === "high" || p.severity === "critical").map((p) => p.name),
        );
        assert.equal(config.all, "advisory");
    });
});

describe(`${PROD_MANDATORY} as the docs show it`, () => {
    const file = fs.readFileSync(path.join(ROOT, PROD_MANDATORY), "utf8");
    // A json block introduced by prose that names the file claims to be the file.
    const shown = PROJECT_DOCS.flatMap((doc) =>
        fencedBlocks(readDoc(doc))
            .filter((block) => block.language === "json" && block.introduction.includes("prod-mandatory.json"))
            .map((block) => ({ doc, body: block.body })),
    );

    it("is shown in policy-pack/README.md", () => {
        assert.ok(
            shown.some((s) => s.doc === "policy-pack/README.md"),
            "policy-pack/README.md shows the file in a json block",
        );
    });

    for (const { doc, body } of shown) {
        it(`${doc} shows the file byte for byte`, () => {
            assert.deepEqual(JSON.parse(body), JSON.parse(file), `${doc}: the block means something else than the file`);
            assert.equal(body, file, `${doc}: the block is not the file's exact text`);
        });
    }
});
