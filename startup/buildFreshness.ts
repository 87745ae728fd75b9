import * as fs from "fs";
import * as path from "path";

/**
 * `npm run build` compiles the program into bin/ (tsconfig.build.json) and then writes this stamp,
 * listing the source of every file it put there. Pulumi never runs build scripts itself, so after an
 * edit without a rebuild `pulumi up` would deploy the previous program; the stamp lets the entry
 * point (main.ts) refuse that.
 */
export const STAMP_FILE = "build-stamp.json";

interface BuildStamp {
    /** Project-relative paths of the files the build compiled or copied. */
    sources: string[];
}

/** Writes the stamp for a finished build: every file in buildDir, named by the source it came from. */
export function writeBuildStamp(projectDir: string, buildDir: string): void {
    const sources: string[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (entry.name.endsWith(".js")) {
                sources.push(path.relative(buildDir, full).replace(/\.js$/, ".ts"));
            } else if (!entry.name.endsWith(".js.map") && !entry.name.startsWith(".") && entry.name !== STAMP_FILE) {
                sources.push(path.relative(buildDir, full));
            }
        }
    };
    walk(buildDir);
    const stamp: BuildStamp = { sources: sources.filter((s) => fs.existsSync(path.join(projectDir, s))).sort() };
    fs.writeFileSync(path.join(buildDir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}

/** The sources changed since the last build (or why the build cannot be trusted); empty when it is current. */
export function staleSources(projectDir: string, buildDir: string): string[] {
    const stampPath = path.join(buildDir, STAMP_FILE);
    if (!fs.existsSync(stampPath)) {
        return [`${path.relative(projectDir, stampPath)} (no finished build)`];
    }
    const builtAt = fs.statSync(stampPath).mtimeMs;
    const stamp = JSON.parse(fs.readFileSync(stampPath, "utf8")) as BuildStamp;
    return stamp.sources.filter((source) => {
        const stat = fs.statSync(path.join(projectDir, source), { throwIfNoEntry: false });
        return !stat || stat.mtimeMs > builtAt;
    });
}

export function assertBuildIsCurrent(projectDir: string, buildDir: string): void {
    const stale = staleSources(projectDir, buildDir);
    if (stale.length > 0) {
        const shown = stale.slice(0, 5).join(", ") + (stale.length > 5 ? `, and ${stale.length - 5} more` : "");
        const error = new Error(`bin/ is older than its sources (${shown}): run \`npm run build\` first; Pulumi does not run build scripts.`);
        error.stack = error.message; // the message says it all; no stack frames
        throw error;
    }
}
