import * as assert from "assert";
import { ofType } from "../../../policy-pack/lib/resourceIndex";

describe("lib/resourceIndex", () => {
    const resources = [
        { type: "a", name: "a1" },
        { type: "b", name: "b1" },
        { type: "a", name: "a2" },
        { type: "c", name: "c1" },
    ];
    it("returns the resources of a type in stack order, and nothing for an absent type", () => {
        assert.deepStrictEqual(
            ofType(resources, "a").map((r) => r.name),
            ["a1", "a2"],
        );
        assert.deepStrictEqual(ofType(resources, "z"), []);
    });
    it("groups several types in the order asked", () => {
        assert.deepStrictEqual(
            ofType(resources, "c", "a").map((r) => r.name),
            ["c1", "a1", "a2"],
        );
    });
    it("hands out copies: a caller changing its list does not change the index", () => {
        ofType(resources, "a").push({ type: "a", name: "intruder" });
        assert.deepStrictEqual(
            ofType(resources, "a").map((r) => r.name),
            ["a1", "a2"],
        );
    });
    it("indexes each list on its own", () => {
        const other = [{ type: "a", name: "other" }];
        assert.deepStrictEqual(
            ofType(other, "a").map((r) => r.name),
            ["other"],
        );
        assert.deepStrictEqual(
            ofType(resources, "a").map((r) => r.name),
            ["a1", "a2"],
        );
    });
});
