import * as assert from "assert";
import { renderBootstrap } from "../../../render/bootstrap";
import { firewallOnEveryServer } from "../../../policy-pack/policies/firewall-on-every-server";
import { noSecretsInUserData } from "../../../policy-pack/policies/no-secrets-in-user-data";
import { noPublicDatabase } from "../../../policy-pack/policies/no-public-database";
import { bundleReferences, readBundleObject, readServerFiles } from "../../../policy-pack/lib/serverFiles";
import { parseUserDataText, readUserData } from "../../../policy-pack/lib/userData";
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
            {
                type: "aws:s3/bucketObjectv2:BucketObjectv2",
                name: "other",
                props: { bucket: "another-bucket", key: "servers/app.yaml", content: "#cloud-config\nwrite_files: [{path: /x, content: y}]\n" },
            },
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

    it("bundleReferences: the boot script's BUNDLE_BUCKET/BUNDLE_KEY and any s3:// URI, once per parsed user data", () => {
        const ud = parseUserDataText("#!/bin/bash\nBUNDLE_BUCKET=b1\nBUNDLE_KEY=servers/app.yaml\naws s3 cp s3://other-bucket/extra/conf.yaml /etc/x\n");
        assert.deepStrictEqual(bundleReferences(ud), [
            { bucket: "b1", key: "servers/app.yaml" },
            { bucket: "other-bucket", key: "extra/conf.yaml" },
        ]);
        const frozen = readUserData({ userData: boot("app") })!;
        assert.strictEqual(bundleReferences(frozen), bundleReferences(frozen), "shared, worked out once");
        assert.ok(Object.isFrozen(bundleReferences(frozen)) && Object.isFrozen(bundleReferences(frozen)[0]));
        assert.deepStrictEqual(bundleReferences(parseUserDataText("#!/bin/bash\nBUNDLE_KEY=k\n")), [{ bucket: undefined, key: "k" }]);
    });

    it("a user data naming no bundle is read as it is", () => {
        const props = { userData: userDataFor({ web: true }) };
        assert.strictEqual(readServerFiles({ type: "aws:ec2/instance:Instance", name: "a", props }, []), readUserData(props));
    });

    it("finds bundles among S3 objects (v1 and v2) by key, in the named bucket, or the only one when a bucket is unknown", () => {
        const web = userDataFor({ web: true });
        const server = (userData: string) => ({ type: "aws:ec2/instance:Instance", name: "app", props: { userData } });
        const object = (type: string, props: Record<string, unknown>) => ({ type, name: "o", props });
        const v1 = "aws:s3/bucketObject:BucketObject";
        const v2 = "aws:s3/bucketObjectv2:BucketObjectv2";
        assert.ok(readServerFiles(server(boot("app")), [object(v1, { bucket: BUCKET, key: "servers/app.yaml", content: web })]));
        // Not an S3 object, or without a key: not a candidate (the bundle is still the only one).
        const decoys = [object("aws:ssm/parameter:Parameter", { key: "servers/app.yaml", content: "#cloud-config\n" }), object(v2, { bucket: BUCKET, content: web })];
        assert.ok(readServerFiles(server(boot("app")), [...decoys, object(v2, { bucket: BUCKET, key: "servers/app.yaml", content: web })]));
        // Content not known yet (a preview's placeholder): cannot tell.
        assert.strictEqual(readServerFiles(server(boot("app")), [object(v2, { bucket: BUCKET, key: "servers/app.yaml", content: { unknown: true } })]), undefined);
        // A boot script that names no bucket: the key must be unique across buckets.
        const keyOnly = "#!/bin/bash\nBUNDLE_KEY=servers/app.yaml\n";
        assert.ok(readServerFiles(server(keyOnly), [object(v2, { bucket: "b1", key: "servers/app.yaml", content: web })]));
        assert.strictEqual(
            readServerFiles(server(keyOnly), [object(v2, { bucket: "b1", key: "servers/app.yaml", content: web }), object(v2, { bucket: "b2", key: "servers/app.yaml", content: web })]),
            undefined,
        );
    });

    it("a server naming two bundles is merged with exactly those: a change in either gives a new merge", () => {
        const script = `#!/bin/bash\nBUNDLE_BUCKET=${BUCKET}\nBUNDLE_KEY=servers/app.yaml\naws s3 cp s3://${BUCKET}/extra.yaml /etc/extra.yaml\n`;
        const server = () => ({ type: "aws:ec2/instance:Instance", name: "app", props: { userData: script } });
        const objects = (extra: string) => [
            { type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "main", props: { bucket: BUCKET, key: "servers/app.yaml", content: userDataFor({ web: true }) } },
            { type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "extra", props: { bucket: BUCKET, key: "extra.yaml", content: `#cloud-config\nwrite_files:\n  - path: ${extra}\n    content: x\n` } },
        ];
        const first = readServerFiles(server(), objects("/etc/one"))!;
        const second = readServerFiles(server(), objects("/etc/two"))!;
        assert.ok(first.files.some((f) => f.path === "/etc/one") && first.files.some((f) => f.path === "/etc/nftables.conf"));
        assert.ok(second.files.some((f) => f.path === "/etc/two") && !second.files.some((f) => f.path === "/etc/one"));
        assert.strictEqual(readServerFiles(server(), objects("/etc/one")), first);
    });

    it("keeps the last four merges of a user data: an older one is made again, equal but new", () => {
        const server = () => ({ type: "aws:ec2/instance:Instance", name: "app", props: { userData: boot("app") } });
        const list = (i: number) => [
            { type: "aws:s3/bucketObjectv2:BucketObjectv2", name: "c", props: { bucket: BUCKET, key: "servers/app.yaml", content: `${userDataFor({ web: true })}# version ${i}\n` } },
        ];
        const merges = [0, 1, 2, 3, 4].map((i) => readServerFiles(server(), list(i))!);
        assert.strictEqual(readServerFiles(server(), list(4)), merges[4]);
        assert.strictEqual(readServerFiles(server(), list(1)), merges[1]);
        const again = readServerFiles(server(), list(0))!;
        assert.notStrictEqual(again, merges[0]);
        assert.deepStrictEqual(again, merges[0]);
    });

    it("readBundleObject: an object's content when it is cloud-config (leading blank lines allowed)", () => {
        const web = userDataFor({ web: true });
        assert.ok(readBundleObject({ bucket: BUCKET, key: "k", content: `\n\n${web}` })!.files.length > 0);
        assert.ok(readBundleObject({ content: web }));
        assert.strictEqual(readBundleObject({ key: "k", content: "#!/bin/bash\necho hi\n" }), undefined);
        assert.strictEqual(readBundleObject({ key: "k" }), undefined);
        assert.strictEqual(readBundleObject({ key: "k", content: 42 }), undefined);
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
