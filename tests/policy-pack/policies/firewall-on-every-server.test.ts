import * as assert from "assert";
import { firewallOnEveryServer as policy, hostFirewallEnabled } from "../../../policy-pack/policies/firewall-on-every-server";
import { UserData } from "../../../policy-pack/lib/userData";
import { check, cloudConfig, editFile, instance, renderUserData, userDataFor } from "../fixtures";

describe("firewall-on-every-server", () => {
    it("passes a server with a security group and nftables default-deny enabled", () => {
        assert.deepStrictEqual(check(policy, [instance("app", userDataFor({ web: true }))]), []);
    });
    it("flags an instance without security groups", () => {
        const [f] = check(policy, [instance("app", userDataFor({ web: true }), { vpcSecurityGroupIds: [] })]);
        assert.match(f.message, /no security group.*`vpcSecurityGroupIds`/);
        assert.strictEqual(check(policy, [instance("app", userDataFor({ web: true }), { vpcSecurityGroupIds: undefined })]).length, 1);
        assert.deepStrictEqual(check(policy, [instance("app", userDataFor({ web: true }), { vpcSecurityGroupIds: undefined, securityGroups: ["legacy"] })]), []);
    });
    it("flags user data without a host firewall, or with an accept policy, or never loaded", () => {
        assert.match(check(policy, [instance("a", userDataFor({ web: true, firewall: false }))])[0].message, /default-deny host firewall/);
        const accept = editFile(cloudConfig({ web: true }), "/etc/nftables.conf", (c) => c.replace("hook input priority 0; policy drop", "hook input priority 0; policy accept"));
        assert.strictEqual(check(policy, [instance("a", renderUserData(accept))]).length, 1);
        const notLoaded = cloudConfig({ web: true });
        notLoaded.runcmd = notLoaded.runcmd.filter((c) => !JSON.stringify(c).includes("nftables"));
        assert.strictEqual(check(policy, [instance("a", renderUserData(notLoaded))]).length, 1);
    });
    it("accepts ufw default deny in a shell-script user data", () => {
        assert.deepStrictEqual(check(policy, [instance("a", "#!/bin/bash\nufw default deny incoming\nufw allow 443/tcp\nufw --force enable\n")]), []);
        assert.strictEqual(check(policy, [instance("a", "#!/bin/bash\napt-get install -y nginx\n")]).length, 1);
    });
    it("skips the host firewall check when user data is unknown", () => {
        assert.deepStrictEqual(check(policy, [instance("a", undefined)]), []);
    });
    describe("hostFirewallEnabled, exactly", () => {
        const conf = "table inet f {\n  chain input {\n    type filter hook  input priority 0;  policy  drop;\n  }\n}\n";
        const cc = (files: { path: string; content: string }[], runcmd: string[], text = "#cloud-config\n"): UserData => ({ kind: "cloud-config", text, packages: [], files, runcmd });
        const script = (text: string): UserData => ({ kind: "script", text, packages: [], files: [], runcmd: [] });
        const cases: [string, UserData, boolean][] = [
            ["nftables.conf + systemctl  enable", cc([{ path: "/etc/nftables.conf", content: conf }], ["systemctl  enable --now nftables"]), true],
            ["nftables.conf + nft  -f", cc([{ path: "/etc/nftables.conf", content: conf }], ["nft  -f /etc/nftables.conf"]), true],
            ["nftables.conf never loaded", cc([{ path: "/etc/nftables.conf", content: conf }], ["systemctl enable nginx", "nftx-f"]), false],
            ["an accepting input chain", cc([{ path: "/etc/nftables.conf", content: conf.replace("policy  drop", "policy accept") }], ["nft -f /etc/nftables.conf"]), false],
            ["a cloud-config only mentioning the rules in its raw text", cc([], [], `#cloud-config\n# ${conf.replace(/\n/g, " ")} nft -f x`), false],
            ["a script writing and loading the rules", script(`#!/bin/sh\ncat > /etc/nftables.conf <<EOF\n${conf}EOF\nnft -f /etc/nftables.conf\n`), true],
            ["ufw  default  deny  incoming + ufw  --force  enable", script("#!/bin/sh\nufw  default  deny  incoming\nufw  --force  enable\n"), true],
            ["ufw default deny + ufw enable", cc([], ["ufw default deny", "ufw enable"]), true],
            ["ufw default deny, never enabled", cc([], ["ufw default deny incoming"]), false],
            ["ufw enabled, default allow", cc([], ["ufw default allow incoming", "ufw --force enable"]), false],
        ];
        for (const [name, ud, expected] of cases) {
            it(name, () => assert.strictEqual(hostFirewallEnabled(ud), expected));
        }
    });
    it("security groups: an unresolved (non-array) value means cannot tell; null or empty lists mean none", () => {
        const ud = userDataFor({ web: true });
        assert.deepStrictEqual(check(policy, [instance("a", ud, { vpcSecurityGroupIds: "sg-unknown", securityGroups: undefined })]), []);
        assert.deepStrictEqual(check(policy, [instance("b", ud, { vpcSecurityGroupIds: [], securityGroups: ["default"] })]), []);
        assert.deepStrictEqual(
            check(policy, [instance("c", ud, { vpcSecurityGroupIds: null, securityGroups: [] })]).map((f) => f.resource),
            ["c"],
        );
        assert.deepStrictEqual(
            check(policy, [instance("d", ud, { vpcSecurityGroupIds: undefined, securityGroups: null })]).map((f) => f.resource),
            ["d"],
        );
    });
});
