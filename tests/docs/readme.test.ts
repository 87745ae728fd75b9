import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "../..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
    it("shows policy-pack/config/prod-mandatory.json as it is", () => {
        const after = readme.slice(readme.indexOf("`policy-pack/config/prod-mandatory.json` makes"));
        const block = /```json\n([\s\S]*?)```/.exec(after);
        assert.ok(block, "the README shows the mandatory config in a json block");
        const file = JSON.parse(fs.readFileSync(path.join(ROOT, "policy-pack/config/prod-mandatory.json"), "utf8"));
        assert.deepEqual(JSON.parse(block[1]), file);
    });
});
