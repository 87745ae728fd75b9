import * as assert from "assert";
import { cachedByText, clearTextCaches, deepFreeze, LONG_TEXT_CHARS, textKey } from "../../../policy-pack/lib/textCache";

describe("lib/textCache", () => {
    it("parses each text once and hands every caller the same frozen result", () => {
        const parsed: string[] = [];
        const parse = cachedByText((text: string) => {
            parsed.push(text);
            return { lines: text.split("\n"), nested: { first: text.split("\n")[0] } };
        });
        const a = parse("a\nb");
        const b = parse("a\nb");
        parse("c");
        assert.strictEqual(a, b);
        assert.deepStrictEqual(parsed, ["a\nb", "c"]);
        assert.ok(Object.isFrozen(a) && Object.isFrozen(a.lines) && Object.isFrozen(a.nested));
        assert.throws(() => {
            "use strict";
            (a.lines as string[]).push("x");
        }, TypeError);
        assert.deepStrictEqual(a.lines, ["a", "b"]);
    });

    it("caches a result that is undefined too", () => {
        let calls = 0;
        const parse = cachedByText((_text: string) => {
            calls++;
            return undefined;
        });
        parse("x");
        parse("x");
        assert.strictEqual(calls, 1);
    });

    it("evicts the oldest texts once the held text length would pass the bound, and never caches a text over it", () => {
        const parsed: string[] = [];
        const parse = cachedByText((text: string) => {
            parsed.push(text);
            return text.length;
        }, 10);
        parse("aaaa"); // held 4
        parse("bbbb"); // held 8
        parse("cccc"); // 12 > 10: "aaaa" goes, held 8
        parse("bbbb"); // still cached
        parse("aaaa"); // parsed again; "bbbb" goes
        parse("cccc"); // still cached
        parse("x".repeat(11)); // over the bound: parsed, not cached
        parse("x".repeat(11));
        parse("cccc"); // the oversized text evicted nothing
        assert.deepStrictEqual(parsed, ["aaaa", "bbbb", "cccc", "aaaa", "x".repeat(11), "x".repeat(11)]);
    });

    it("clearTextCaches empties every cache, so the next evaluation parses afresh", () => {
        let calls = 0;
        const parse = cachedByText((text: string) => {
            calls++;
            return [text];
        });
        const first = parse("t");
        clearTextCaches();
        const second = parse("t");
        assert.strictEqual(calls, 2);
        assert.notStrictEqual(first, second);
        assert.deepStrictEqual(first, second);
    });

    it("keys long texts by digest: equal-length texts that differ only at the end are told apart, equal texts are found", () => {
        const parsed: string[] = [];
        const parse = cachedByText((text: string) => {
            parsed.push(text);
            return text.slice(-3);
        });
        const long = (tail: string) => "#cloud-config\n" + "x".repeat(LONG_TEXT_CHARS) + tail;
        assert.strictEqual(parse(long("a1\n")), "a1\n");
        assert.strictEqual(parse(long("b2\n")), "b2\n");
        // A copy with the same content (not the same string) is a hit.
        assert.strictEqual(parse(long("a") + "1\n"), "a1\n");
        assert.strictEqual(parsed.length, 2);
        assert.notStrictEqual(textKey(long("a1\n")), textKey(long("b2\n")));
        assert.strictEqual(textKey("short"), "short");
        assert.ok(textKey(long("a1\n")).length < 100);
    });

    it("a slot returns the text last read there only while the text is the same; a changed text is parsed", () => {
        const parsed: string[] = [];
        const parse = cachedByText((text: string) => {
            parsed.push(text);
            return text.toUpperCase();
        });
        const long = (tail: string) => "y".repeat(LONG_TEXT_CHARS + 1) + tail;
        assert.strictEqual(parse(long("a"), "bucket/key").slice(-1), "A");
        assert.strictEqual(parse(long("a"), "bucket/key").slice(-1), "A");
        assert.strictEqual(parse(long("b"), "bucket/key").slice(-1), "B", "a new text at the same slot is not the old one's value");
        assert.strictEqual(parse(long("a"), "bucket/key").slice(-1), "A", "found by digest, parsed once");
        assert.strictEqual(parse("short", "bucket/key"), "SHORT");
        assert.strictEqual(parse(long("a"), "other"), parse(long("a")));
        assert.strictEqual(parsed.length, 3);
        clearTextCaches();
        parse(long("a"), "bucket/key");
        assert.strictEqual(parsed.length, 4, "clearTextCaches forgets the slots with the texts");
    });

    it("deepFreeze freezes nested objects and arrays and leaves primitives alone", () => {
        const value = deepFreeze({ a: [{ b: 1 }], c: "s" });
        assert.ok(Object.isFrozen(value.a[0]));
        assert.strictEqual(deepFreeze(3), 3);
        assert.strictEqual(deepFreeze(null), null);
    });
});
