import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fc from "fast-check";
import { nftString, shellQuote, sqlIdentifier, sqlString } from "../../render/quote";

describe("render/quote", () => {
    it("shellQuote round-trips any string through a real sh", () => {
        fc.assert(
            fc.property(
                fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0")),
                (value) => {
                    const out = execFileSync("sh", ["-c", `printf %s ${shellQuote(value)}`]).toString("utf8");
                    assert.equal(out, value);
                },
            ),
            { numRuns: 200 },
        );
    });

    it("shellQuote keeps command substitution and quote breaks inert", () => {
        const hostile = [`'$(id)'`, "`id`", "o'neil", "a\nb; id", "$HOME", "'; touch /tmp/pwned; '"];
        for (const value of hostile) {
            assert.equal(execFileSync("sh", ["-c", `printf %s ${shellQuote(value)}`]).toString(), value);
        }
        assert.equal(shellQuote("o'neil"), `'o'\\''neil'`);
    });

    it("refuses NUL, which no shell word, SQL text or nft string can carry", () => {
        assert.throws(() => shellQuote("a\0b"), /NUL/);
        assert.throws(() => sqlString("a\0b"), /NUL/);
        assert.throws(() => sqlIdentifier("a\0b"), /NUL/);
        assert.throws(() => nftString("a\0b"), /NUL/);
    });

    it("sqlString escapes backslash, quote and line breaks", () => {
        assert.equal(sqlString("o'neil"), `'o\\'neil'`);
        assert.equal(sqlString("a\\'); DROP TABLE t; --"), `'a\\\\\\'); DROP TABLE t; --'`);
        assert.equal(sqlString("a\nb"), `'a\\nb'`);
    });

    it("sqlIdentifier doubles backticks and bounds the length", () => {
        assert.equal(sqlIdentifier("webapp"), "`webapp`");
        assert.equal(sqlIdentifier("we`b"), "`we``b`");
        assert.throws(() => sqlIdentifier(""), /1 to 64/);
        assert.throws(() => sqlIdentifier("x".repeat(65)), /1 to 64/);
        assert.throws(() => sqlIdentifier("a\nSQL\nb"), /control characters/);
    });

    it("nftString cannot be closed early", () => {
        assert.equal(nftString(`a "b"\nc`), `"a 'b' c"`);
    });
});
