import * as assert from "assert";
import { cachedByText, clearTextCaches, deepFreeze, LONG_TEXT_CHARS, MAX_SLOTS, textKey } from "../../../policy-pack/lib/textCache";

/** Counts the SHA-1 digests textCache computes while `run` runs (it calls crypto.createHash at call time). */
function digestsDuring(run: () => void): number {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, to patch createHash (an import gives a copy)
    const crypto = require("crypto");
    const original = crypto.createHash;
    let count = 0;
    crypto.createHash = (...args: unknown[]) => {
        count++;
        return original(...args);
    };
    try {
        run();
    } finally {
        crypto.createHash = original;
    }
    return count;
}

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

    it("hashes only texts longer than 16,383 characters, whose key is their length and a base64 SHA-1", () => {
        const atLimit = "z".repeat(LONG_TEXT_CHARS);
        assert.strictEqual(textKey(atLimit), atLimit);
        assert.match(textKey(`${atLimit}z`), /^16384:[A-Za-z0-9+/]{27}=$/);
        const parse = cachedByText((text: string) => text.length);
        assert.strictEqual(
            digestsDuring(() => parse(atLimit)),
            0,
        );
        assert.strictEqual(
            digestsDuring(() => parse(`${atLimit}z`)),
            1,
        );
    });

    it("a text read again at its slot is not hashed again; without a slot or at another one it is", () => {
        const parse = cachedByText((text: string) => text.length);
        const long = "w".repeat(LONG_TEXT_CHARS + 10);
        assert.strictEqual(
            digestsDuring(() => parse(long, "bucket/a")),
            1,
        );
        assert.strictEqual(
            digestsDuring(() => parse(long.slice(0, 5) + long.slice(5), "bucket/a")),
            0,
            "an equal copy at the same slot",
        );
        assert.strictEqual(
            digestsDuring(() => parse(long)),
            1,
        );
        assert.strictEqual(
            digestsDuring(() => parse(long, "bucket/b")),
            1,
        );
        assert.strictEqual(
            digestsDuring(() => parse(long, "bucket/b")),
            0,
        );
    });

    it("forgets its slots once more than MAX_SLOTS are named, so a long-lived process holds a bounded number", () => {
        const parse = cachedByText((text: string) => text.length);
        const long = "v".repeat(LONG_TEXT_CHARS + 1);
        parse(long, "first");
        for (let i = 1; i < MAX_SLOTS; i++) {
            parse("s", `slot-${i}`);
        }
        assert.strictEqual(
            digestsDuring(() => parse(long, "first")),
            0,
            "MAX_SLOTS slots are kept",
        );
        parse("s", "one more");
        assert.strictEqual(
            digestsDuring(() => parse(long, "first")),
            1,
            "naming one more forgot the others",
        );
        assert.strictEqual(parse(long, "first"), LONG_TEXT_CHARS + 1);
    });

    it("deepFreeze freezes nested objects and arrays and leaves primitives alone", () => {
        const value = deepFreeze({ a: [{ b: 1 }], c: "s" });
        assert.ok(Object.isFrozen(value.a[0]));
        assert.strictEqual(deepFreeze(3), 3);
        assert.strictEqual(deepFreeze(null), null);
    });
});
