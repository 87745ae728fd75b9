import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// The scripts take no options: a mistyped one must stop them (exit 2) before they write
// anything, instead of being ignored while they regenerate a committed file.
const ROOT = path.join(__dirname, "../..");

describe("script command lines", () => {
    for (const [script, command, output] of [
        ["scripts/generateManagedPolicies.ts", "generate:managed-policies", "policy-pack/lib/iam/aws-managed-policies.json"],
        ["scripts/pinResourceUrns.ts", "pin:resources", "tests/stack/resource-urns.json"],
    ]) {
        it(`${command} refuses an option, naming it and the one allowed, and writes nothing`, function () {
            this.timeout(60000);
            const before = fs.statSync(path.join(ROOT, output)).mtimeMs;
            const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", script, "--stack", "dev"], { cwd: ROOT, encoding: "utf8" });
            assert.equal(result.status, 2, result.stderr);
            assert.equal(result.stderr, `${command}: unknown option --stack; options: --help\n\nusage: npm run ${command} (no options)\n`);
            assert.equal(fs.statSync(path.join(ROOT, output)).mtimeMs, before);
        });
    }
});
