import * as assert from "assert";
import { firewallOnEveryServer as policy } from "../../../policy-pack/policies/firewall-on-every-server";
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
        const accept = editFile(cloudConfig({ web: true }), "/etc/nftables.conf", c => c.replace("hook input priority 0; policy drop", "hook input priority 0; policy accept"));
        assert.strictEqual(check(policy, [instance("a", renderUserData(accept))]).length, 1);
        const notLoaded = cloudConfig({ web: true });
        notLoaded.runcmd = notLoaded.runcmd.filter(c => !JSON.stringify(c).includes("nftables"));
        assert.strictEqual(check(policy, [instance("a", renderUserData(notLoaded))]).length, 1);
    });
    it("accepts ufw default deny in a shell-script user data", () => {
        assert.deepStrictEqual(check(policy, [instance("a", "#!/bin/bash\nufw default deny incoming\nufw allow 443/tcp\nufw --force enable\n")]), []);
        assert.strictEqual(check(policy, [instance("a", "#!/bin/bash\napt-get install -y nginx\n")]).length, 1);
    });
    it("skips the host firewall check when user data is unknown", () => {
        assert.deepStrictEqual(check(policy, [instance("a", undefined)]), []);
    });
});
