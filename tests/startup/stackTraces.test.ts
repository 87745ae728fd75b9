import { strict as assert } from "assert";
import { loadWithoutPromiseStackTraces } from "../../startup/stackTraces";

/** The frames `new Error().stack` holds where it is called. */
function framesHere(): number {
    return (new Error().stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at ")).length;
}

describe("startup/stackTraces: the program loads without the SDK's per-promise stack traces", () => {
    it("captures no frames while the program loads, and the limit is back afterwards", () => {
        const before = Error.stackTraceLimit;
        assert.ok(framesHere() > 0);
        const inside = loadWithoutPromiseStackTraces(() => framesHere(), {});
        assert.equal(inside, 0);
        assert.equal(Error.stackTraceLimit, before);
        assert.ok(framesHere() > 0);
    });

    it("puts the limit back when the load throws, and the error keeps its message", () => {
        const before = Error.stackTraceLimit;
        assert.throws(
            () =>
                loadWithoutPromiseStackTraces(() => {
                    throw new Error("invalid stack configuration");
                }, {}),
            /invalid stack configuration/,
        );
        assert.equal(Error.stackTraceLimit, before);
    });

    it("keeps full traces with WEBSTACK_SOURCE_MAPS=1 or PULUMI_DEBUG_PROMISE_LEAKS (the SDK prints the promises' traces then)", () => {
        assert.ok(loadWithoutPromiseStackTraces(() => framesHere(), { WEBSTACK_SOURCE_MAPS: "1" }) > 0);
        assert.ok(loadWithoutPromiseStackTraces(() => framesHere(), { PULUMI_DEBUG_PROMISE_LEAKS: "true" }) > 0);
        assert.equal(
            loadWithoutPromiseStackTraces(() => framesHere(), { WEBSTACK_SOURCE_MAPS: "0" }),
            0,
        );
    });

    it("returns what the load returns (the program's exports are the stack outputs)", () => {
        const exports = { loadBalancerIp: "203.0.113.10" };
        assert.equal(
            loadWithoutPromiseStackTraces(() => exports, {}),
            exports,
        );
    });
});
