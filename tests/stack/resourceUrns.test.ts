import { strict as assert } from "assert";
import * as fs from "fs";
import { PINNED_STACKS, PINNED_URNS_FILE, PinnedUrns } from "../../scripts/pinResourceUrns";
import { programRun } from "../helpers/programRuns";

/** The same URNs scripts/pinResourceUrns.ts writes (registered, and kept by an alias), from the suite's cached program runs. */
async function currentUrns(stack: string): Promise<string[]> {
    return (await programRun(stack)).resources.flatMap((r) => [r.urn, ...(r.aliasUrns ?? [])]).sort();
}

// A resource's URN is its identity in a running stack: a URN that disappears from the program
// is deleted (and, if something took its place, created anew) by the next `pulumi up`. Every
// URN is pinned here; a rename needs an alias (and stays pinned), a deliberate removal goes to
// "retired" with its reason, and new resources are pinned with `npm run pin:resources`.

describe("resource URNs are stable across versions", function () {
    this.timeout(60000);
    const pinned = JSON.parse(fs.readFileSync(PINNED_URNS_FILE, "utf8")) as PinnedUrns;

    for (const stack of PINNED_STACKS) {
        it(`${stack}: every pinned URN is still registered, and every registered URN is pinned`, async () => {
            const urns = new Set(await currentUrns(stack));
            const missing = pinned.stacks[stack].filter((urn) => !urns.has(urn));
            assert.deepEqual(missing, [], "resources the next `pulumi up` would delete: add an alias to the renamed resource, or retire the URN with a reason (tests/stack/resource-urns.json)");
            const unpinned = [...urns].filter((urn) => !pinned.stacks[stack].includes(urn));
            assert.deepEqual(unpinned, [], "new resources: pin them with `npm run pin:resources` and review the diff");
        });
    }

    it("retired URNs are really gone and say why", async () => {
        const all = new Set((await Promise.all(PINNED_STACKS.map(currentUrns))).flat());
        for (const [urn, reason] of Object.entries(pinned.retired)) {
            assert.ok(!all.has(urn), `${urn} is retired but still registered`);
            assert.ok(reason.length >= 20, `${urn}: say why it was retired`);
        }
    });
});
