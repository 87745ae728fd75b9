import * as assert from "assert";
import { arr, bool, num, obj, str } from "../../../policy-pack/lib/props";

// The readers answer undefined for anything they cannot read for sure (unknown values in a preview).
describe("lib/props", () => {
    it("str: strings only", () => {
        assert.strictEqual(str("x"), "x");
        assert.strictEqual(str(""), "");
        for (const v of [undefined, null, 1, true, ["x"], { x: 1 }]) {
            assert.strictEqual(str(v), undefined, JSON.stringify(v));
        }
    });

    it("num: finite numbers, and numeric strings once trimmed", () => {
        assert.strictEqual(num(3), 3);
        assert.strictEqual(num(0), 0);
        assert.strictEqual(num(-2.5), -2.5);
        assert.strictEqual(num("42"), 42);
        assert.strictEqual(num(" 7 "), 7);
        assert.strictEqual(num("0"), 0);
        assert.strictEqual(num("1e3"), 1000);
        for (const v of [NaN, Infinity, -Infinity, "", "   ", "abc", "12px", "Infinity", "NaN", undefined, null, true, [1], { n: 1 }]) {
            assert.strictEqual(num(v), undefined, String(v));
        }
    });

    it('bool: booleans and the strings "true" / "false" exactly', () => {
        assert.strictEqual(bool(true), true);
        assert.strictEqual(bool(false), false);
        assert.strictEqual(bool("true"), true);
        assert.strictEqual(bool("false"), false);
        for (const v of ["TRUE", "False", "yes", "1", 1, 0, "", undefined, null, [true], { b: true }]) {
            assert.strictEqual(bool(v), undefined, String(v));
        }
    });

    it("arr: arrays only, the same array", () => {
        const a = [1, 2];
        assert.strictEqual(arr(a), a);
        assert.deepStrictEqual(arr([]), []);
        for (const v of [undefined, null, "ab", { length: 1, 0: "x" }, 1]) {
            assert.strictEqual(arr(v), undefined, String(v));
        }
    });

    it("obj: plain objects, not null, arrays or primitives", () => {
        const o = { a: 1 };
        assert.strictEqual(obj(o), o);
        assert.deepStrictEqual(obj({}), {});
        for (const v of [null, undefined, [], [1], "x", 1, true]) {
            assert.strictEqual(obj(v), undefined, String(v));
        }
    });
});
