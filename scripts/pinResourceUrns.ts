// Writes tests/stack/resource-urns.json: the URN of every resource the program registers for
// each committed stack. tests/stack/resourceUrns.test.ts fails when a URN disappears (a
// rename without an alias would replace, or delete, a live resource) or a new one appears
// unpinned. Run after an intended change, and review the diff like code:
//
//   npm run pin:resources
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../plan/runProgram";
import { loadStackConfig } from "../plan/stackConfig";
import { parseNoOptions, parseOrExit } from "../cli/commandLine";

export const PINNED_URNS_FILE = path.join(__dirname, "..", "tests", "stack", "resource-urns.json");
export const PINNED_STACKS = ["dev", "prod"];

export interface PinnedUrns {
    /** URNs by stack, sorted. */
    stacks: Record<string, string[]>;
    /** URNs that were removed on purpose, with why; a removed URN must be listed here or have an alias. */
    retired: Record<string, string>;
}

/** Every URN the program registers, and every URN an alias keeps (a renamed resource's old one). */
export async function currentUrns(stack: string): Promise<string[]> {
    const raw = loadStackConfig(stack);
    const run = await runProgram(stack, raw.config, raw.secretKeys);
    return run.resources.flatMap((r) => [r.urn, ...(r.aliasUrns ?? [])]).sort();
}

async function main(): Promise<void> {
    const previous: PinnedUrns = fs.existsSync(PINNED_URNS_FILE) ? JSON.parse(fs.readFileSync(PINNED_URNS_FILE, "utf8")) : { stacks: {}, retired: {} };
    const stacks: Record<string, string[]> = {};
    for (const stack of PINNED_STACKS) {
        stacks[stack] = await currentUrns(stack);
    }
    fs.writeFileSync(PINNED_URNS_FILE, `${JSON.stringify({ stacks, retired: previous.retired }, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), PINNED_URNS_FILE)}`);
}

if (require.main === module) {
    parseOrExit("pin:resources", "usage: npm run pin:resources (no options)", () => parseNoOptions(process.argv.slice(2)));
    main().catch((error) => {
        console.error(error);
        process.exitCode = 1;
    });
}
