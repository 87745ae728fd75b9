import * as assert from "assert";
import { validatePolicyConfig } from "../../../plan/evaluatePolicies";
import { noWorldOpenAdminPorts as policy } from "../../../policy-pack/policies/no-world-open-admin-ports";
import { check, resource, securityGroup } from "../fixtures";

const rule = (inputs: Record<string, unknown>) => resource("aws:ec2/securityGroupRule:SecurityGroupRule", "rule", { type: "ingress", securityGroupId: "sg-1", ...inputs });
const vpcEgressRule = (inputs: Record<string, unknown>) => resource("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "vpc-egress", { securityGroupId: "sg-1", ...inputs });
const vpcRule = (inputs: Record<string, unknown>) => resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "vpc-rule", { securityGroupId: "sg-1", ...inputs });

describe("no-world-open-admin-ports", () => {
    it("allows 80/443 from the world (false-positive trap) and admin ports from private ranges", () => {
        assert.deepStrictEqual(
            check(policy, [
                securityGroup("web", [
                    { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] },
                    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] },
                    { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] },
                ]),
            ]),
            [],
        );
    });
    it("flags SSH, MySQL, RDP, ranges covering them and all-protocol rules in inline ingress", () => {
        const findings = check(policy, [
            securityGroup("bad", [
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "tcp", fromPort: 3306, toPort: 3306, ipv6CidrBlocks: ["::/0"] },
                { protocol: "tcp", fromPort: 3000, toPort: 4000, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
            ]),
        ]);
        assert.strictEqual(findings.length, 4);
        assert.match(findings[0].message, /ingress\[0\] opens port\(s\) 22 .* to 0.0.0.0\/0/);
        assert.match(findings[2].message, /3306, 3389/);
        assert.match(findings[3].message, /22, 3306, 3389/);
    });
    it("checks SecurityGroupRule (ingress only) and vpc SecurityGroupIngressRule", () => {
        assert.strictEqual(check(policy, [rule({ protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["0.0.0.0/0"] })]).length, 1);
        assert.deepStrictEqual(check(policy, [rule({ type: "egress", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] })]), []);
        assert.strictEqual(check(policy, [vpcRule({ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" })]).length, 1);
        assert.strictEqual(check(policy, [vpcRule({ ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" })]).length, 1);
        assert.deepStrictEqual(check(policy, [vpcRule({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })]), []);
    });
    it("flags the world split into halves, in one rule or across a group's rules, but not two ordinary ranges", () => {
        const oneRule = check(policy, [rule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] })]);
        assert.strictEqual(oneRule.length, 1);
        assert.match(oneRule[0].message, /opens port\(s\) 22 .* to 0\.0\.0\.0\/1, 128\.0\.0\.0\/1/);
        const acrossRules = check(policy, [
            securityGroup("split", [
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"] },
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["128.0.0.0/2", "192.0.0.0/2"] },
            ]),
        ]);
        assert.strictEqual(acrossRules.length, 1);
        assert.match(acrossRules[0].message, /ingress rules \[0\], \[1\] together open port 22 to every IPv4 address/);
        assert.deepStrictEqual(
            check(policy, [
                securityGroup("offices", [
                    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24"] },
                    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["198.51.100.0/24", "0.0.0.0/1"] },
                ]),
            ]),
            [],
        );
    });
    it("uses the configured sensitive port list", () => {
        const sg = securityGroup("sg", [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }]);
        assert.deepStrictEqual(check(policy, [sg]), []);
        assert.strictEqual(check(policy, [sg], { "no-world-open-admin-ports": { sensitivePorts: [5432] } }).length, 1);
    });
    it("does not report unknown ports, protocols or CIDRs", () => {
        assert.deepStrictEqual(check(policy, [securityGroup("sg", [{ cidrBlocks: ["0.0.0.0/0"] }, { protocol: "tcp", fromPort: 22, toPort: 22 }]), rule({}), vpcRule({})]), []);
    });
    it("names the resource, the rule, the ports, the protocol, the CIDRs and the fix for each kind of rule", () => {
        const admin = "The webstack program only admits admin traffic from webstack:adminCidrs / inside the VPC.";
        const findings = check(policy, [
            securityGroup("inline", [
                { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
            ]),
            rule({ protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlocks: ["0.0.0.0/0"] }),
            vpcRule({ ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv6: "::/0" }),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.message]),
            [
                ["inline", `inline: ingress[1] opens port(s) 22 (protocol tcp) to 0.0.0.0/0, ::/0. Restrict its \`cidrBlocks\`/\`ipv6CidrBlocks\` (or use \`securityGroups\`). ${admin}`],
                ["rule", `rule: ingress rule opens port(s) 3306 (protocol tcp) to 0.0.0.0/0. Restrict \`cidrBlocks\`/\`ipv6CidrBlocks\` or use \`sourceSecurityGroupId\`. ${admin}`],
                ["vpc-rule", `vpc-rule: ingress rule opens port(s) 3389 (protocol tcp) to ::/0. Restrict \`cidrIpv4\`/\`cidrIpv6\` or use \`referencedSecurityGroupId\`. ${admin}`],
            ],
        );
    });
    it("names only the IPv4 blocks that cover the internet, not the rule's other (IPv6) blocks", () => {
        const ipv6 = ["2001:db8::/32"];
        const halves = ["0.0.0.0/1", "128.0.0.0/1"];
        const [inline] = check(policy, [securityGroup("sg", [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: halves, ipv6CidrBlocks: ipv6 }])]);
        assert.match(inline.message, /^sg: ingress\[0\] opens port\(s\) 22 \(protocol tcp\) to 0\.0\.0\.0\/1, 128\.0\.0\.0\/1\. Restrict its/);
        const [single] = check(policy, [rule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: halves, ipv6CidrBlocks: ipv6 })]);
        assert.match(single.message, /^rule: ingress rule opens port\(s\) 22 \(protocol tcp\) to 0\.0\.0\.0\/1, 128\.0\.0\.0\/1\. Restrict `cidrBlocks`/);
        assert.deepStrictEqual(check(policy, [rule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"], ipv6CidrBlocks: ipv6 })]), []);
    });
    it("lists the rules and every IPv4 block that together open a port, and the fix", () => {
        const findings = check(policy, [
            securityGroup("split", [
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"] },
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                { protocol: "tcp", fromPort: 20, toPort: 25, cidrBlocks: ["128.0.0.0/2", "192.0.0.0/2"] },
            ]),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => [f.resource, f.message]),
            [
                [
                    "split",
                    "split: ingress rules [0], [2] together open port 22 to every IPv4 address (0.0.0.0/1, 128.0.0.0/2, 192.0.0.0/2). " +
                        "Restrict their `cidrBlocks`. The webstack program only admits admin traffic from webstack:adminCidrs / inside the VPC.",
                ],
            ],
        );
    });
    it("names only the rules whose IPv4 blocks open the port together, not one that admits a security group or IPv6 only", () => {
        const findings = check(policy, [
            securityGroup("split", [
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"] },
                { protocol: "tcp", fromPort: 22, toPort: 22, securityGroups: ["sg-bastion"] },
                { protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["2001:db8::/32"] },
                { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["128.0.0.0/1"] },
            ]),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.message.split(" to every IPv4 address")[0]),
            ["split: ingress rules [0], [3] together open port 22"],
        );
        // One half of the internet and a security group: nothing is open to every address.
        assert.deepStrictEqual(
            check(policy, [
                securityGroup("half", [
                    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/1"] },
                    { protocol: "tcp", fromPort: 22, toPort: 22, securityGroups: ["sg-bastion"] },
                ]),
            ]),
            [],
        );
    });
    it("does not judge vpc SecurityGroupEgressRule, even all protocols to the world", () => {
        const inputs = { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", cidrIpv6: "::/0" };
        assert.deepStrictEqual(check(policy, [vpcEgressRule(inputs)]), []);
        assert.deepStrictEqual(
            check(policy, [vpcRule(inputs)]).map((f) => f.resource),
            ["vpc-rule"],
        );
    });
    it("rejects a sensitivePorts setting that is not a list of port numbers", () => {
        for (const sensitivePorts of [22, "22", ["22"], [22.5], [-1], [65536]]) {
            assert.throws(() => validatePolicyConfig({ "no-world-open-admin-ports": { sensitivePorts } }), /no-world-open-admin-ports"\.sensitivePorts/, JSON.stringify(sensitivePorts));
        }
        assert.doesNotThrow(() => validatePolicyConfig({ "no-world-open-admin-ports": { sensitivePorts: [0, 22, 65535] } }));
    });
});
