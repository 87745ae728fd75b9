import * as assert from "assert";
import { renderBootstrap } from "../../../components/servers/renderBootstrap";
import { firewallOnEveryServer } from "../../../policy-pack/policies/firewall-on-every-server";
import { noSecretsInUserData } from "../../../policy-pack/policies/no-secrets-in-user-data";
import { noPublicDatabase } from "../../../policy-pack/policies/no-public-database";
import { readServerFiles } from "../../../policy-pack/lib/serverFiles";
import { check, cloudConfig, editFile, instance, renderUserData, resource, userDataFor } from "../fixtures";

// A server whose user data is webstack's boot script is judged on the bundle the script
// fetches: the same files, read through the one shared reader.
const BUCKET = "webstack-config-abc1234";
const boot = (name: string) => renderBootstrap({ region: "us-east-1", bucket: BUCKET, key: `servers/${name}.yaml` });
const bundle = (name: string, content: string | undefined, bucket: string | undefined = BUCKET) =>
    resource("aws:s3/bucketObjectv2:BucketObjectv2", `${name}-config`, { bucket, key: `servers/${name}.yaml`, ...(content === undefined ? {} : { content }) });

describe("policy-pack lib/serverFiles: a boot script's bundle is the server's files", () => {
    it("merges the boot script with the bundle it names, by bucket and key", () => {
        const files = readServerFiles({ type: "aws:ec2/instance:Instance", name: "app", props: { userData: boot("app") } }, [
            { type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "app-config", props: { bucket: BUCKET, key: "servers/app.yaml", content: userDataFor({ web: true }) } },
            { type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "other", props: { bucket: "another-bucket", key: "servers/app.yaml", content: "#cloud-config\nwrite_files: [{path: /x, content: y}]\n" } },
        ])!;
        assert.ok(files.files.some((f) => f.path === "/etc/nftables.conf"));
        assert.ok(files.files.some((f) => f.path === "/usr/local/sbin/webstack-bootstrap"));
        assert.ok(!files.files.some((f) => f.path === "/x"), "the same key in another bucket is not this server's bundle");
    });

    it("merges once per user data and bundle text, across resource lists; a changed bundle is read afresh", () => {
        const server = () => ({ type: "aws:ec2/instance:Instance", name: "app", props: { userData: boot("app") } });
        const object = (content: string) => ({ type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "app-config", props: { bucket: BUCKET, key: "servers/app.yaml", content } });
        const web = userDataFor({ web: true });
        const first = readServerFiles(server(), [object(web)])!;
        // Each stack policy gets its own list and copies of the props: the same texts give the same merge.
        const again = readServerFiles(server(), [object(web.slice(0, 10) + web.slice(10))])!;
        assert.strictEqual(again, first);
        assert.ok(Object.isFrozen(first) && Object.isFrozen(first.files));
        const changed = readServerFiles(server(), [object(userDataFor({ web: true, firewall: false }))])!;
        assert.notStrictEqual(changed, first);
        assert.ok(first.files.some((f) => f.path === "/etc/nftables.conf"));
        assert.ok(!changed.files.some((f) => f.path === "/etc/nftables.conf"));
    });

    it("firewall-on-every-server reads the bundle: passes with the firewall in it, flags it without", () => {
        assert.deepStrictEqual(check(firewallOnEveryServer, [instance("app", boot("app")), bundle("app", userDataFor({ web: true }))]), []);
        const [finding] = check(firewallOnEveryServer, [instance("app", boot("app")), bundle("app", userDataFor({ web: true, firewall: false }))]);
        assert.match(finding.message, /app: user data and configuration bundle do not enable a default-deny host firewall/);
    });

    it("a bundle the stack does not hold, or whose content is not known yet, is not guessed at", () => {
        assert.deepStrictEqual(check(firewallOnEveryServer, [instance("app", boot("app"))]), []);
        assert.deepStrictEqual(check(firewallOnEveryServer, [instance("app", boot("app")), bundle("app", undefined)]), []);
        // In a preview before the bucket exists its name is unknown: the key alone identifies the bundle.
        const [finding] = check(firewallOnEveryServer, [instance("app", boot("app")), bundle("app", userDataFor({ web: true, firewall: false }), undefined)]);
        assert.ok(finding);
    });

    it("no-public-database sees a database that only the bundle installs", () => {
        const db = userDataFor({ db: { role: "primary", engine: "mariadb" } });
        const findings = check(noPublicDatabase, [instance("db", boot("db"), { associatePublicIpAddress: true }), bundle("db", db)]);
        assert.equal(findings.length, 1, JSON.stringify(findings));
        assert.match(findings[0].message, /runs MySQL\/MariaDB/);
    });

    it("no-secrets-in-user-data flags a private key in a bundle object, naming its content", () => {
        const leaky = renderUserData(editFile(cloudConfig({ web: true }), "/etc/nftables.conf", (c) => `${c}\n# -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n`));
        const [finding] = check(noSecretsInUserData, [bundle("app", leaky)]);
        assert.match(finding.message, /app-config: configuration bundle contains .*remove it from `content`/);
        assert.deepStrictEqual(check(noSecretsInUserData, [bundle("app", userDataFor({ web: true }))]), []);
    });
});
