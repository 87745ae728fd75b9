// The entry point `pulumi preview` and `pulumi up` run (Pulumi.yaml: main: bin/main.js, typescript: false),
// compiled once by `npm run build` so no TypeScript is transpiled at start. It checks the build is current,
// turns source-map stack traces off (see below), then loads the program (index.ts) unchanged.
import * as path from "path";
import { assertBuildIsCurrent } from "./startup/buildFreshness";

// A stale bin/ would preview or deploy yesterday's program: refuse before any resource is registered.
assertBuildIsCurrent(path.dirname(__dirname), __dirname);

// Pulumi's language host installs source-map-support for every Node program. The SDK then formats a stack
// trace for every output property and resource it creates (about 8,000 per preview of this stack), and
// source-map-support rewrites every frame of each: more time than loading the SDKs. Node's own formatting
// names bin/*.js files instead, whose code is index.ts's minus the types. WEBSTACK_SOURCE_MAPS=1 keeps the
// host's mapping, to .ts lines, when an error needs them.
if (process.env.WEBSTACK_SOURCE_MAPS !== "1") {
    Reflect.deleteProperty(Error, "prepareStackTrace");
}

export * from "./index";
