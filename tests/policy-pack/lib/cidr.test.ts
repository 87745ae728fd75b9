import * as assert from "assert";
import { isWorldCidr, sensitivePortsOpened } from "../../../policy-pack/lib/cidr";

describe("lib/cidr", () => {
    it("recognises world-open CIDRs only", () => {
        assert.deepStrictEqual(["0.0.0.0/0", "::/0", "10.0.0.0/8", "0.0.0.0/1", undefined, 42].map(isWorldCidr), [true, true, false, false, false, false]);
    });
    it("computes sensitive ports opened by protocol and range", () => {
        const s = [22, 3306, 3389];
        assert.deepStrictEqual(sensitivePortsOpened("-1", 0, 0, s), s);
        assert.deepStrictEqual(sensitivePortsOpened("all", undefined, undefined, s), s);
        assert.deepStrictEqual(sensitivePortsOpened("6", 20, 25, s), [22]);
        assert.deepStrictEqual(sensitivePortsOpened("tcp", 443, 443, s), []);
        assert.deepStrictEqual(sensitivePortsOpened("icmp", -1, -1, s), []);
        assert.deepStrictEqual(sensitivePortsOpened("tcp", undefined, 22, s), []);
    });
    it("opens nothing for an unknown protocol, ICMP by name or number, or non-numeric ports, whatever the range", () => {
        const s = [22, 3306, 3389];
        assert.deepStrictEqual(sensitivePortsOpened(undefined, 0, 65535, s), []);
        assert.deepStrictEqual(sensitivePortsOpened(null, 0, 65535, s), []);
        for (const icmp of ["icmp", "icmpv6", "1", "58", 1, 58]) {
            assert.deepStrictEqual(sensitivePortsOpened(icmp, 0, 65535, s), [], String(icmp));
        }
        assert.deepStrictEqual(sensitivePortsOpened("tcp", "0", 65535, s), []);
        assert.deepStrictEqual(sensitivePortsOpened("tcp", 0, "65535", s), []);
        assert.deepStrictEqual(sensitivePortsOpened("17", 3000, 3400, s), [3306, 3389]);
        assert.deepStrictEqual(sensitivePortsOpened("TCP", 22, 22, s), [22]);
    });
});
