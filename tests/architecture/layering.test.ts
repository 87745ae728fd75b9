import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

// The program is built in floors, and imports only go down:
//   index.ts (the program) → components/ → render/ → model/ → config/
// components/ holds the ComponentResources, render/ the pure renderers of every file a server
// gets, model/ the pure plan of the stack, config/ the schema. The tools (the offline plan, the
// rehearsal, benchmarks, scripts, tests) stand on top and may use any floor; nothing below them
// may use a tool. A folder with an index.ts (each components/<folder>, model/) is entered only
// through it: its other files are its own business.

const ROOT = path.resolve(__dirname, "..", "..");

/** Top-level folders per floor, lowest first. "." is the repository root's own files (index.ts, main.ts, webStackArgs.ts). */
const FLOORS: { name: string; folders: string[] }[] = [
    // Each imports nothing of the project outside itself: the policy pack is a package of its own,
    // startup/ runs before the program loads, cli/ parses any tool's arguments.
    { name: "standalone", folders: ["policy-pack", "startup", "cli"] },
    { name: "config", folders: ["config"] },
    { name: "model", folders: ["model"] },
    { name: "render", folders: ["render"] },
    { name: "components", folders: ["components"] },
    { name: "program", folders: [".", "outputs"] },
    { name: "tools", folders: ["plan", "rehearsal", "bench", "scripts", "tests"] },
];
const STANDALONE = 0;

/** Folders whose index.ts is not an entry to reach through: the root (the program itself) and the policy pack (its index.ts is the pack for the Pulumi CLI). */
const NOT_ENTRIES = new Set([".", "policy-pack"]);

const SKIPPED_DIRS = new Set(["node_modules", "bin", ".git", "reports", ".stryker-tmp"]);

/** Every .ts file of the repository, relative to it, with its text. */
function sourceFiles(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const relative = path.posix.join(dir, entry.name);
            if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) {
                walk(relative);
            } else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
                files.set(relative, fs.readFileSync(path.join(ROOT, relative), "utf8"));
            }
        }
    };
    walk(".");
    return new Map([...files].map(([file, text]) => [path.posix.normalize(file), text]));
}

function topFolder(file: string): string {
    return file.includes("/") ? file.split("/")[0] : ".";
}

function floorOf(file: string): number {
    return FLOORS.findIndex((floor) => floor.folders.includes(topFolder(file)));
}

/** The repository file a relative specifier names, as TypeScript resolves it (x.ts, then x/index.ts); undefined for a package. */
function resolveImport(importer: string, specifier: string, exists: (file: string) => boolean): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(importer), specifier));
    for (const candidate of [`${target}.ts`, `${target}/index.ts`, target]) {
        if (exists(candidate)) return candidate;
    }
    return target;
}

/** The folders between the root and a file, outermost first: components/servers/server.ts → components, components/servers. */
function foldersOf(file: string): string[] {
    const parts = file.split("/").slice(0, -1);
    return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** Every import that runs up a floor or reaches past another folder's index.ts, as "file: import "specifier" (why)". */
export function layeringViolations(files: Map<string, string>, exists: (file: string) => boolean = (file) => files.has(file) || fs.existsSync(path.join(ROOT, file))): string[] {
    const violations: string[] = [];
    for (const [importer, text] of files) {
        const importerFloor = floorOf(importer);
        if (importerFloor < 0) {
            violations.push(`${importer}: its folder ${topFolder(importer)}/ has no floor (give it one in this test)`);
            continue;
        }
        for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
            const target = resolveImport(importer, specifier, exists);
            if (!target) continue;
            const say = (why: string) => violations.push(`${importer}: import "${specifier}" (${why})`);
            const targetFloor = floorOf(target);
            if (targetFloor < 0) {
                say(`${target} is on no floor`);
            } else if (targetFloor > importerFloor) {
                say(`${FLOORS[importerFloor].name} may not import ${FLOORS[targetFloor].name}, a floor up`);
            } else if (importerFloor === STANDALONE && topFolder(target) !== topFolder(importer)) {
                say(`${topFolder(importer)}/ stands alone and imports nothing of the project outside itself`);
            }
            for (const folder of foldersOf(target)) {
                const entry = `${folder}/index.ts`;
                if (NOT_ENTRIES.has(folder) || topFolder(target) === "policy-pack" || importer.startsWith(`${folder}/`) || !exists(entry)) continue;
                if (target !== entry) {
                    say(`reaches past ${entry}: import "${path.posix.relative(path.posix.dirname(importer), folder) || "."}" instead`);
                }
                break;
            }
        }
    }
    return violations.sort();
}

describe("layering: imports only go down a floor, and into a folder only through its index.ts", () => {
    it("every import of the repository", () => {
        const files = sourceFiles();
        assert.ok(files.size > 100, `found only ${files.size} .ts files`);
        assert.deepEqual(layeringViolations(files), []);
    });

    it("names the file and the import that runs up a floor or past an index.ts", () => {
        const files = new Map([
            ["model/index.ts", 'export * from "./topology";\n'],
            ["model/topology.ts", 'import { PORTS } from "../render/haproxyConfig";\n'],
            ["render/haproxyConfig.ts", 'import { planTopology } from "../model/topology";\nimport { policies } from "../policy-pack/policies";\n'],
            ["policy-pack/policies/index.ts", 'import { PORTS } from "../../model";\n'],
            ["components/servers/index.ts", 'export * from "./server";\n'],
            ["components/servers/server.ts", 'import { withTags } from "../tags";\n'],
            ["components/tags.ts", ""],
            ["startup/buildFreshness.ts", 'import { UsageError } from "../cli/commandLine";\n'],
            ["components/firewall/firewalls.ts", 'import { Server } from "../servers/server";\nimport { Server as S } from "../servers";\nimport { runProgram } from "../../plan/runProgram";\n'],
        ]);
        assert.deepEqual(
            layeringViolations(files, (file) => files.has(file)),
            [
                'components/firewall/firewalls.ts: import "../../plan/runProgram" (components may not import tools, a floor up)',
                'components/firewall/firewalls.ts: import "../servers/server" (reaches past components/servers/index.ts: import "../servers" instead)',
                'model/topology.ts: import "../render/haproxyConfig" (model may not import render, a floor up)',
                'policy-pack/policies/index.ts: import "../../model" (standalone may not import model, a floor up)',
                'render/haproxyConfig.ts: import "../model/topology" (reaches past model/index.ts: import "../model" instead)',
                'startup/buildFreshness.ts: import "../cli/commandLine" (startup/ stands alone and imports nothing of the project outside itself)',
            ],
        );
    });
});
