import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { planStack } from "../../plan/planStack";
import { ROOT, codeSpans, fencedBlocks, readDoc, tableRows } from "./markdown";

const readme = readDoc("README.md");
const ciRun = fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8");
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** The README's command for a row of its command table, found by the row's label. */
function readmeCommand(label: string): string {
    const row = tableRows(readme, "").find((r) => r[0].includes(label));
    assert.ok(row, `the README's command table has a "${label}" row`);
    return codeSpans(row[1])[0];
}

/**
 * .ci/run's commands as a reader would type them for one stack: the loop variable filled in, and
 * the flags that only shape CI's output (`--silent` keeps npm's banner out of the JSON, `--json`
 * and the redirect feed the summary line) dropped.
 */
function ciCommands(stack: string): string[] {
    return ciRun
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.startsWith("npm "))
        .map((line) =>
            line
                .replace(/"\$stack"/g, stack)
                .replace(/ --silent/g, "")
                .replace(/ --json\b.*$/, ""),
        );
}

describe("README", () => {
    it("is at most 200 lines: a front door, the rest is in docs/", () => {
        assert.ok(readme.split("\n").length <= 200, `README.md has ${readme.split("\n").length} lines`);
    });

    it("gives the test command .ci/run runs, and package.json defines it as build + type check + mocha", () => {
        assert.equal(readmeCommand("tests"), "npm test");
        assert.ok(ciCommands("dev").includes("npm test"), ".ci/run runs `npm test`");
        assert.equal(packageJson.scripts.test, "npm run --silent build && tsc --noEmit -p . && mocha");
    });

    it("gives the style checks .ci/run runs: eslint at zero warnings, then prettier", () => {
        const row = tableRows(readme, "").find((r) => r[0].includes("style"));
        assert.ok(row, `the README's command table has a "style" row`);
        assert.deepEqual(codeSpans(row[1]), ["npm run lint", "npm run format:check"]);
        for (const command of codeSpans(row[1])) {
            assert.ok(ciCommands("dev").includes(command), `.ci/run runs \`${command}\``);
        }
        assert.equal(packageJson.scripts.lint, "eslint --max-warnings 0 .");
        assert.equal(packageJson.scripts["format:check"], "prettier --check .");
    });

    it("gives the main command .ci/run runs for every stack", () => {
        const main = readmeCommand("main job");
        assert.equal(main, "npm run plan -- --stack dev");
        const loop = /^for stack in ([^;]+); do$/m.exec(ciRun);
        assert.ok(loop, ".ci/run loops over the stacks");
        const stacks = loop[1].trim().split(/\s+/);
        assert.deepEqual(stacks, ["dev", "prod"]);
        for (const stack of stacks) {
            assert.ok(fs.existsSync(path.join(ROOT, `Pulumi.${stack}.yaml`)), `Pulumi.${stack}.yaml exists`);
            assert.ok(ciCommands(stack).includes(main.replace("--stack dev", `--stack ${stack}`)), `.ci/run plans ${stack} with the README's command`);
        }
        assert.match(packageJson.scripts.plan, /plan\/cli\.ts$/);
    });

    it("names every Debian package .ci/run installs for the tests", () => {
        const install = /apt-get install[^\n]*\\\n([\s\S]*?)>\/dev\/null/.exec(ciRun);
        assert.ok(install, ".ci/run installs Debian packages");
        const packages = install[1].replace(/\\\n/g, " ").trim().split(/\s+/);
        const prerequisites = readme.slice(readme.indexOf("## Prerequisites"), readme.indexOf("## Deploy")).replace(/\s+/g, " ");
        assert.deepEqual(
            packages.filter((p) => !prerequisites.includes(p)),
            [],
            "packages .ci/run installs that the README's prerequisites do not name",
        );
    });

    it("draws the architecture npm run plan -- --stack prod --mermaid draws", async function () {
        // Runs the program under mocks: the first run in a process loads the SDKs (seconds on a busy machine).
        this.timeout(120000);
        const block = fencedBlocks(readme).find((b) => b.language === "mermaid");
        assert.ok(block, "the README shows a mermaid diagram");
        const { mermaid } = await planStack("prod");
        assert.equal(block.body.trimEnd(), mermaid.trimEnd());
    });
});
