import * as assert from "assert";
import { canonicalIpv4Cidr, ipv4Prefix, ipv4Range, isCanonicalIpv4Cidr, isWorldCidr, rangesOverlap, sensitivePortsOpened, unionCoversInternet, unionSize } from "../../../policy-pack/lib/cidr";

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
    it("a world CIDR is any /0, spaces around it allowed; an address without a prefix is not", () => {
        assert.deepStrictEqual([" 0.0.0.0/0 ", "10.1.2.3/0", "0.0.0.0", "::", "0.0.0.0/00"].map(isWorldCidr), [true, true, false, false, true]);
    });
    it("canonicalIpv4Cidr: the network address and prefix of an IPv4 CIDR, undefined for anything else", () => {
        assert.strictEqual(canonicalIpv4Cidr("10.0.0.0/16"), "10.0.0.0/16");
        assert.strictEqual(canonicalIpv4Cidr("10.0.1.7/16"), "10.0.0.0/16");
        for (const v of ["10.0.0.0", "10.0.0.0/33", "::/0", "ten/8", "", 42 as unknown as string, undefined as unknown as string]) {
            assert.strictEqual(canonicalIpv4Cidr(v), undefined, String(v));
        }
    });
    it("isCanonicalIpv4Cidr: four decimal octets, host bits clear, a decimal prefix", () => {
        assert.deepStrictEqual(["10.0.0.0/16", "0.0.0.0/0", "10.0.1.0/16", "010.0.0.0/16", "10.0.0.0/016", "0xa.0.0.0/16", "10.0.0.0", "10.0.0.0/33"].map(isCanonicalIpv4Cidr), [
            true,
            true,
            false,
            false,
            false,
            false,
            false,
            false,
        ]);
    });
    it("ipv4Prefix and ipv4Range: the prefix, and the first and last address as numbers", () => {
        assert.strictEqual(ipv4Prefix("10.0.0.0/16"), 16);
        assert.deepStrictEqual(ipv4Range("10.0.0.0/16"), { first: 167772160, last: 167837695 });
        assert.deepStrictEqual(ipv4Range("10.0.1.7/24"), { first: 167772416, last: 167772671 });
        assert.deepStrictEqual(ipv4Range("0.0.0.0/0"), { first: 0, last: 2 ** 32 - 1 });
        assert.deepStrictEqual(ipv4Range("255.255.255.255/32"), { first: 2 ** 32 - 1, last: 2 ** 32 - 1 });
    });
    it("rangesOverlap: sharing one address is enough; adjacent ranges do not overlap", () => {
        const r = ipv4Range;
        assert.strictEqual(rangesOverlap(r("10.0.0.0/16"), r("10.0.255.0/24")), true);
        assert.strictEqual(rangesOverlap(r("10.0.255.0/24"), r("10.0.0.0/16")), true);
        assert.strictEqual(rangesOverlap(r("10.0.0.0/24"), r("10.0.0.255/32")), true);
        assert.strictEqual(rangesOverlap(r("10.0.0.255/32"), r("10.0.0.0/24")), true);
        assert.strictEqual(rangesOverlap(r("10.0.0.0/24"), r("10.0.1.0/24")), false);
        assert.strictEqual(rangesOverlap(r("10.0.1.0/24"), r("10.0.0.0/24")), false);
    });
    it("unionSize counts overlapping and adjacent CIDRs once, in any order", () => {
        assert.strictEqual(unionSize([]), 0);
        assert.strictEqual(unionSize(["10.0.0.0/24"]), 256);
        assert.strictEqual(unionSize(["10.0.1.0/24", "10.0.0.0/24"]), 512);
        assert.strictEqual(unionSize(["10.0.0.0/16", "10.0.5.0/24", "10.0.0.0/16"]), 65536);
        assert.strictEqual(unionSize(["10.0.0.0/24", "10.0.2.0/24", "10.0.0.128/25"]), 512);
        assert.strictEqual(unionSize(["10.0.0.0/24", "10.0.0.0/25", "10.0.3.0/24"]), 512);
    });
    it("unionCoversInternet: valid CIDRs that together admit every address; invalid ones are ignored", () => {
        assert.strictEqual(unionCoversInternet(["0.0.0.0/1", "128.0.0.0/1"]), true);
        assert.strictEqual(unionCoversInternet(["128.0.0.0/1", "0.0.0.0/1", "bogus"]), true);
        assert.strictEqual(unionCoversInternet(["0.0.0.0/1", "128.0.0.0/2"]), false);
        assert.strictEqual(unionCoversInternet(["0.0.0.0/0"]), true);
        assert.strictEqual(unionCoversInternet(["bogus", "::/0"]), false);
        assert.strictEqual(unionCoversInternet([]), false);
    });
});
