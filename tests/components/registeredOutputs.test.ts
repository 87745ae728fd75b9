import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

// The pulumi-eks/awsx contract: every public output of a ComponentResource is registered with
// registerOutputs, so the engine records it in the component's state and `pulumi stack
// export` shows it. Read from the source of each component class.

const COMPONENTS_DIR = path.join(__dirname, "../../components");

function componentFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        return entry.isDirectory() ? componentFiles(full) : entry.name.endsWith(".ts") && /extends pulumi\.ComponentResource/.test(fs.readFileSync(full, "utf8")) ? [full] : [];
    });
}

// Type tokens are webstack:<folder under components/>:<class>, so a token in a URN, a plan or
// `pulumi stack` output names where its code lives. A token is part of every child's URN:
// changing one needs an alias to the old token (see WebStack, Certificates).
describe("ComponentResources' type tokens are webstack:<folder>:<class>", () => {
    for (const file of componentFiles(COMPONENTS_DIR)) {
        it(path.relative(COMPONENTS_DIR, file), () => {
            const source = fs.readFileSync(file, "utf8");
            const folder = path.basename(path.dirname(file));
            const classes = [...source.matchAll(/export class (\w+) extends pulumi\.ComponentResource/g)].map((m) => m[1]);
            const tokens = [...source.matchAll(/super\("([^"]+)"/g)].map((m) => m[1]);
            assert.deepEqual(tokens, classes.map((name) => `webstack:${folder}:${name}`));
        });
    }
});

describe("ComponentResources register every public output", () => {
    const files = componentFiles(COMPONENTS_DIR);
    it("finds the components", () => {
        assert.ok(files.length >= 8, files.join(", "));
    });
    for (const file of files) {
        it(path.relative(COMPONENTS_DIR, file), () => {
            const source = fs.readFileSync(file, "utf8");
            const classBody = source.slice(source.indexOf("extends pulumi.ComponentResource"));
            const fields = [...classBody.matchAll(/^ {4}readonly (\w+)\??:/gm)].map((m) => m[1]).sort();
            const call = /this\.registerOutputs\(\{([\s\S]*?)\}\);/.exec(classBody);
            assert.ok(call, "calls registerOutputs at the end of the constructor");
            const registered = [...call[1].matchAll(/(\w+):/g)].map((m) => m[1]).sort();
            assert.deepEqual(registered, fields);
        });
    }
});
