import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../../plan/runProgram";
import { loadStackConfig } from "../../plan/stackConfig";

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
            assert.deepEqual(
                tokens,
                classes.map((name) => `webstack:${folder}:${name}`),
            );
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

// The same contract checked on the objects themselves: every component the program constructs
// for dev and prod, whatever its class, registers exactly its public output properties (its own
// properties but Pulumi's: urn and the SDK's __-prefixed internals), optional ones included.
describe("ComponentResources register every public output, as constructed by the program", function () {
    this.timeout(120000);
    const registered = new Map<pulumi.ComponentResource, Record<string, unknown> | undefined>();
    // registerOutputs is protected: reach it on the prototype through a plain type.
    type RegisterOutputs = (this: pulumi.ComponentResource, outputs?: unknown) => void;
    const prototype = pulumi.ComponentResource.prototype as unknown as { registerOutputs: RegisterOutputs };
    const original = prototype.registerOutputs;
    before(() => {
        // The SDK keeps the first call and ignores later ones (it calls registerOutputs() itself, with nothing, after the constructor).
        prototype.registerOutputs = function (outputs?: unknown) {
            if (!registered.has(this)) {
                registered.set(this, outputs as Record<string, unknown> | undefined);
            }
            return original.call(this, outputs);
        };
    });
    after(() => {
        prototype.registerOutputs = original;
    });

    for (const stack of ["dev", "prod"]) {
        it(stack, async () => {
            registered.clear();
            const raw = loadStackConfig(stack);
            await runProgram(stack, raw.config, raw.secretKeys);
            const components = [...registered.keys()].filter((c) => !(c instanceof pulumi.runtime.Stack));
            const classes = new Set(components.map((c) => c.constructor.name));
            for (const name of ["WebStack", "Network", "Certificates", "StackSecrets", "Firewalls", "ConfigBucket", "Server", "Monitoring"]) {
                assert.ok(classes.has(name), `${stack} constructs a ${name}`);
            }
            for (const component of components) {
                const publicOutputs = Object.keys(component)
                    .filter((key) => key !== "urn" && !key.startsWith("__"))
                    .sort();
                const outputs = registered.get(component);
                assert.ok(outputs && typeof outputs === "object" && !pulumi.Output.isInstance(outputs), `${component.constructor.name} registers its outputs as an object`);
                assert.deepEqual(Object.keys(outputs).sort(), publicOutputs, `${component.constructor.name}: registered outputs = public output properties`);
                for (const key of publicOutputs) {
                    assert.equal(outputs[key], (component as unknown as Record<string, unknown>)[key], `${component.constructor.name}.${key} is registered as itself`);
                }
            }
        });
    }
});
