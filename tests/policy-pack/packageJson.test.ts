import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

// The pack is published and run standalone (`pulumi preview --policy-pack policy-pack`), but in
// this repository it resolves its dependencies from the root node_modules. Every version it
// declares must therefore be the exact version the root installs, or the pack tested here is
// not the pack CI and users run.
describe("policy-pack/package.json", () => {
    const root = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8"));
    const pack = JSON.parse(fs.readFileSync(path.join(__dirname, "../../policy-pack/package.json"), "utf8"));
    const rootVersions: Record<string, string> = { ...root.dependencies, ...root.devDependencies };
    // What `npm ci` at the root actually installs: package.json could say one version while the lock holds another.
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package-lock.json"), "utf8"));

    for (const field of ["dependencies", "devDependencies"] as const) {
        for (const [name, version] of Object.entries<string>(pack[field] ?? {})) {
            it(`${field} ${name} is pinned to the root's ${rootVersions[name] ?? "(missing)"}`, () => {
                assert.ok(name in rootVersions, `${name} is declared by the pack but not by the root package.json`);
                assert.equal(version, rootVersions[name], `policy-pack declares ${name}@${version}, the root installs ${rootVersions[name]}`);
                assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version} must be an exact version`);
            });
            it(`${field} ${name} is the version the root's package-lock.json installs`, () => {
                assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `package-lock.json installs another ${name} than policy-pack declares`);
            });
        }
    }

    it("has the same license as the project", () => {
        assert.equal(pack.license, root.license);
    });
});
