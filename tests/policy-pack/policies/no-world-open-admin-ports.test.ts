import * as assert from "assert";
import { noWorldOpenAdminPorts as policy } from "../../../policy-pack/policies/no-world-open-admin-ports";
import { check, resource, securityGroup } from "../fixtures";

const rule = (inputs: Record<string, unknown>) => resource("aws:ec2/securityGroupRule:SecurityGroupRule", "rule", { type: "ingress", securityGroupId: "sg-1", ...inputs });
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
});
