// The second half of `npm run build`, run as bin/scripts/finishBuild.js after tsc: copy the files the
// program reads at run time next to the compiled code that reads them (render/bootstrap.ts and render/app.ts
// read the files servers get verbatim from render/verbatim/), then stamp the build (startup/buildFreshness.ts).
import * as fs from "fs";
import * as path from "path";
import { writeBuildStamp } from "../startup/buildFreshness";

const BUILD_DIR = path.resolve(__dirname, "..");
const PROJECT_DIR = path.dirname(BUILD_DIR);
const RUNTIME_FILES = ["render/verbatim"];

for (const relative of RUNTIME_FILES) {
    fs.rmSync(path.join(BUILD_DIR, relative), { recursive: true, force: true });
    fs.cpSync(path.join(PROJECT_DIR, relative), path.join(BUILD_DIR, relative), { recursive: true });
}
writeBuildStamp(PROJECT_DIR, BUILD_DIR);
