import * as assert from "assert";
import { GroupRule, Instance } from "../../rehearsal/plan";
import { internetFlows, renderRouterRuleset } from "../../rehearsal/securityGroups";

// The stand-ins sit on "the internet": a server reaches them only through egress rules its
// own security groups really have; the mirror is never widened for the boot.

const role = { name: "r", policies: [], unresolved: [] };
const lb: Instance = { key: "lb", userData: "", privateIp: "10.0.0.10", groupIds: ["sg-lb"], role };
const db: Instance = { key: "db", userData: "", privateIp: "10.0.1.10", groupIds: ["sg-db"], role };
const egress = (groupId: string, port: number, cidr = "0.0.0.0/0"): GroupRule => ({ direction: "egress", groupId, protocol: "tcp", fromPort: port, toPort: port, cidr, description: `out ${port}` });
const services = [
    { ip: "203.0.113.101", port: 80, what: "apt" },
    { ip: "203.0.113.103", port: 443, what: "datadog" },
];

describe("rehearsal securityGroups: flows to the internet stand-ins", () => {
    it("allows exactly the port an egress rule covers, per instance", () => {
        const flows = internetFlows([lb, db], [egress("sg-lb", 80), egress("sg-lb", 443), egress("sg-db", 443)], services);
        assert.deepStrictEqual(
            flows.map((f) => `${f.fromIp}>${f.toIp}:${f.ports?.join("-")}`),
            ["10.0.0.10>203.0.113.101:80-80", "10.0.0.10>203.0.113.103:443-443", "10.0.1.10>203.0.113.103:443-443"],
        );
    });

    it("gives nothing to an instance without internet egress, or whose CIDR does not cover the address", () => {
        assert.deepStrictEqual(internetFlows([db], [egress("sg-db", 80, "10.0.0.0/8")], services), []);
        assert.deepStrictEqual(internetFlows([db], [egress("sg-lb", 80)], services), []);
    });

    it("an ingress rule never opens the way out", () => {
        const ingress: GroupRule = { ...egress("sg-db", 80), direction: "ingress" };
        assert.deepStrictEqual(internetFlows([db], [ingress], services), []);
    });

    it("the router masquerades only toward the uplink, and forwards only the listed flows", () => {
        const ruleset = renderRouterRuleset(internetFlows([lb], [egress("sg-lb", 80)], services), "203.0.113.10", "10.0.0.10", "uplink");
        assert.match(ruleset, /oifname "uplink" masquerade/);
        assert.match(ruleset, /ip saddr 10\.0\.0\.10 ip daddr 203\.0\.113\.101 tcp dport 80 accept/);
        assert.doesNotMatch(ruleset, /203\.0\.113\.103/);
        assert.match(ruleset, /chain forward \{\n\s+type filter hook forward priority filter; policy drop;/);
    });
});
