// The entry point `pulumi preview` and `pulumi up` run (Pulumi.yaml: main: bin/main.js, typescript: false),
// compiled once by `npm run build` so no TypeScript is transpiled at start. It checks the build is current,
// turns source-map stack traces off and promise stack traces down (see below), then loads the program
// (index.ts) unchanged: its exports are the stack outputs.
import * as nodeModule from "module";
import * as path from "path";
import { assertBuildIsCurrent } from "./startup/buildFreshness";
import { FULL_TRACES_ENV, loadWithoutPromiseStackTraces } from "./startup/stackTraces";

// A stale bin/ would preview or deploy yesterday's program: refuse before any resource is registered.
assertBuildIsCurrent(path.dirname(__dirname), __dirname);

// Pulumi's language host installs source-map-support for every Node program. The SDK then formats a stack
// trace for every output property and resource it creates (about 8,000 per preview of this stack), and
// source-map-support rewrites every frame of each: more time than loading the SDKs. Node's own formatting
// names bin/*.js files instead, whose code is index.ts's minus the types. WEBSTACK_SOURCE_MAPS=1 keeps the
// host's mapping, to .ts lines, and full stack traces while the program loads, when an error needs them.
if (process.env[FULL_TRACES_ENV] !== "1") {
    Reflect.deleteProperty(Error, "prepareStackTrace");
}

// Node keeps the compiled code of every module loaded from here on (the program, zod, yaml, each provider
// resource class it uses) in its compile cache, so the next preview of this checkout skips compiling them.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off; NODE_COMPILE_CACHE=dir moves it (Node's own switches).
nodeModule.enableCompileCache?.();

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a require, not an import, so it runs inside the limit
const program = loadWithoutPromiseStackTraces(() => require("./index") as typeof import("./index"), process.env);

export = program;
