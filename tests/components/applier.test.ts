import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as dgram from "dgram";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderServerBundle, ServerBundleSpec } from "../../render/serverBundle";
import { renderApplierFiles } from "../../render/bootstrap";
import { AwsStandIn, startAwsStandIn } from "../../rehearsal/standins/awsEndpoint";

// The applier exactly as servers get it (render/verbatim/webstack-apply.py), run
// by the system's python3 with the real AWS CLI against the S3 + SSM stand-in, real
// `unshare`/`mount --bind` for its checks, and its fixed paths (/etc/webstack,
// /var/lib/webstack) bind-mounted from a temporary directory in a private mount namespace
// (the directories are created on this machine as empty mount points if missing).
// The services' check and reload commands are small shell commands that leave evidence.

const APPLIER = path.join(__dirname, "../../render/verbatim/webstack-apply.py");
const BUCKET = "webstack-config-test123";
const KEY = "servers/webstack-app-0.yaml";
const PARAMETER = "/webstack/test/tls/app-0.key";

describe("webstack-apply, run for real", function () {
    this.timeout(120000);
    let dir: string;
    let standIn: AwsStandIn;
    let statsd: dgram.Socket;
    const packets: string[] = [];
    const target = (name: string) => path.join(dir, "target", name);

    /** A bundle whose one service reads site.conf and the key, checked by grep, reloaded by appending to reloads.log. */
    function bundle(siteConf: string, extra: Partial<ServerBundleSpec> = {}): string {
        return renderServerBundle({
            packages: [],
            files: [{ path: target("site.conf"), content: siteConf, permissions: "0640" }, ...renderApplierFiles().map((f) => ({ ...f, path: target(path.basename(f.path)) }))],
            commands: [
                ["sh", "-c", `echo first-boot >> ${target("boot.log")}`],
                ["sh", "-c", "exit 3"],
                ["sh", "-c", `echo after-a-failure >> ${target("boot.log")}`],
            ],
            users: [],
            volumes: [],
            secrets: [{ parameter: PARAMETER, path: path.join(dir, "target", "secrets", "server.key"), owner: "nobody:nogroup", mode: "0400" }],
            services: [
                {
                    name: "site",
                    paths: [target("site.conf"), path.join(dir, "target", "secrets", "server.key")],
                    // The check sees the staged files: it passes only for a config without BROKEN.
                    checks: [["sh", "-c", `! grep -q BROKEN ${target("site.conf")}`]],
                    reload: [["sh", "-c", `echo "reload $(cat ${target("site.conf")})" >> ${target("reloads.log")}`]],
                },
            ],
            tags: ["env:test", "service:webstack"],
            ...extra,
        });
    }

    function apply(args: string[] = []): Promise<{ status: number; stdout: string; stderr: string }> {
        const script = `mount --bind "$1/etc" /etc/webstack && mount --bind "$1/state" /var/lib/webstack && shift && exec "$@"`;
        return new Promise((resolve) => {
            execFile(
                "unshare",
                ["--mount", "--propagation", "private", "sh", "-c", script, "sh", dir, "/usr/bin/python3", APPLIER, ...args],
                {
                    env: {
                        // bin/aws: the real CLI with --endpoint-url (this machine's CLI predates AWS_ENDPOINT_URL).
                        PATH: `${path.join(dir, "bin")}:/usr/sbin:/usr/bin:/sbin:/bin`,
                        HOME: "/nonexistent",
                        AWS_ENDPOINT_URL: standIn.url,
                        AWS_ACCESS_KEY_ID: "AKIAAPPLIERTEST00001",
                        AWS_SECRET_ACCESS_KEY: "applier-test-secret",
                        AWS_EC2_METADATA_DISABLED: "true",
                    },
                    encoding: "utf8",
                },
                (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
            );
        });
    }

    const lastResult = () => JSON.parse(fs.readFileSync(path.join(dir, "state", "apply", "last-result.json"), "utf8")) as { ok: boolean; message: string };
    const read = (name: string) => fs.readFileSync(target(name), "utf8");

    before(async () => {
        assert.equal(process.getuid?.(), 0, "the applier test runs as root (mount namespaces, chown)");
        for (const mountPoint of ["/etc/webstack", "/var/lib/webstack"]) fs.mkdirSync(mountPoint, { recursive: true });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-apply-"));
        for (const d of ["etc", "state", "target", "bin"]) fs.mkdirSync(path.join(dir, d));
        fs.writeFileSync(path.join(dir, "etc", "bundle.env"), `AWS_REGION=us-east-1\nBUNDLE_BUCKET=${BUCKET}\nBUNDLE_KEY=${KEY}\n`);
        fs.writeFileSync(path.join(dir, "boot-bundle.yaml"), bundle("version one\n"));
        statsd = dgram.createSocket("udp4");
        const wrapper = path.join(dir, "bin", "aws");
        fs.writeFileSync(wrapper, '#!/bin/sh\nexec /usr/bin/aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"\n', { mode: 0o755 });
        statsd.on("message", (m) => packets.push(m.toString("utf8")));
        await new Promise<void>((resolve) => statsd.bind(8125, "127.0.0.1", resolve));
        standIn = await startAwsStandIn({
            host: "127.0.0.1",
            port: 0,
            region: "us-east-1",
            accountId: "123456789012",
            parameters: [{ name: PARAMETER, value: "-----BEGIN PRIVATE KEY-----\nkey-one\n-----END PRIVATE KEY-----", version: 1 }],
            objects: [{ bucket: BUCKET, key: KEY, body: bundle("version one\n") }],
            principals: [
                {
                    accessKeyId: "AKIAAPPLIERTEST00001",
                    secretAccessKey: "applier-test-secret",
                    roleName: "webstack-app-0-role",
                    instanceName: "i-applier-test",
                    policies: [
                        {
                            name: "own",
                            document: {
                                Version: "2012-10-17",
                                Statement: [
                                    { Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [`arn:aws:ssm:us-east-1:123456789012:parameter${PARAMETER}`] },
                                    { Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${BUCKET}/${KEY}`] },
                                ],
                            },
                        },
                    ],
                },
            ],
        });
    });
    after(async () => {
        await standIn?.stop();
        statsd?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("first apply: writes every file and secret with its mode and owner, runs every boot command once and reports the one that failed", async () => {
        const out = await apply(["--bundle-file", path.join(dir, "boot-bundle.yaml")]);
        assert.equal(out.status, 1, "a failed boot command fails the apply");
        assert.match(lastResult().message, /first apply.*1 boot command\(s\) failed, first: .*exit 3.* exited 3/);
        assert.equal(read("boot.log"), "first-boot\nafter-a-failure\n");
        assert.equal(read("site.conf"), "version one\n");
        assert.equal(fs.statSync(target("site.conf")).mode & 0o777, 0o640);
        const key = path.join(dir, "target", "secrets", "server.key");
        assert.equal(fs.readFileSync(key, "utf8"), "-----BEGIN PRIVATE KEY-----\nkey-one\n-----END PRIVATE KEY-----\n");
        const st = fs.statSync(key);
        assert.equal(st.mode & 0o777, 0o400);
        assert.equal(st.uid, Number((await run("id", ["-u", "nobody"])).trim()));
        // The lesson of the old fetch script: the directory stays traversable for the file's owner.
        assert.equal(fs.statSync(path.dirname(key)).mode & 0o777, 0o755);
        assert.ok(!fs.existsSync(target("reloads.log")), "nothing is reloaded on a first apply: the boot commands start the services");
    });

    it("a later apply with nothing new changes nothing and reloads nothing", async () => {
        const out = await apply();
        assert.equal(out.status, 0, out.stdout + out.stderr);
        assert.match(lastResult().message, /nothing to change/);
        assert.ok(!fs.existsSync(target("reloads.log")));
        assert.equal(read("boot.log"), "first-boot\nafter-a-failure\n", "boot commands run once per server");
        assert.ok(standIn.requests.some((r) => r.action === "s3:GetObject" && r.status === 200));
    });

    it("a new bundle version is swapped in and its service reloaded", async () => {
        standIn.putObject({ bucket: BUCKET, key: KEY, body: bundle("version two\n") });
        const out = await apply();
        assert.equal(out.status, 0, out.stdout + out.stderr);
        assert.equal(read("site.conf"), "version two\n");
        assert.equal(read("reloads.log"), "reload version two\n");
        assert.match(lastResult().message, /changed .*site\.conf; reloaded site/);
    });

    it("a bundle that fails its check leaves the last good file in place, reloads nothing, and is reported to the journal and Datadog", async () => {
        packets.length = 0;
        standIn.putObject({ bucket: BUCKET, key: KEY, body: bundle("version three BROKEN\n") });
        const out = await apply();
        assert.equal(out.status, 1);
        assert.match(out.stdout, /bundle not applied, the last good configuration keeps running: check failed, nothing changed: .*grep -q BROKEN/);
        assert.equal(read("site.conf"), "version two\n");
        assert.equal(read("reloads.log"), "reload version two\n");
        assert.equal(lastResult().ok, false);
        await waitFor(() => packets.length > 0);
        assert.match(packets[0], /^_sc\|webstack\.config\.apply\|2\|#env:test,service:webstack\|m:bundle not applied/);
    });

    it("a new secret version is fetched, checked with the service and reloaded; an unchanged one is not refetched", async () => {
        standIn.putObject({ bucket: BUCKET, key: KEY, body: bundle("version two\n") });
        standIn.putParameter(PARAMETER, "-----BEGIN PRIVATE KEY-----\nkey-two\n-----END PRIVATE KEY-----");
        const before = standIn.requests.length;
        const out = await apply();
        assert.equal(out.status, 0, out.stdout + out.stderr);
        assert.match(fs.readFileSync(path.join(dir, "target", "secrets", "server.key"), "utf8"), /key-two/);
        assert.match(lastResult().message, new RegExp(`secrets ${PARAMETER}.*reloaded site`));
        assert.equal(read("reloads.log"), "reload version two\nreload version two\n");
        const again = await apply();
        assert.equal(again.status, 0);
        const decrypting = standIn.requests.slice(before).filter((r) => r.action === "ssm:GetParameter").length;
        assert.equal(decrypting, 3, "version check + fetch on the change, one version check after it");
    });
});

function run(command: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => execFile(command, args, { encoding: "utf8" }, (error, stdout) => (error ? reject(error) : resolve(stdout))));
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > end) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 50));
    }
}

// The data volume as the applier sees it at boot: a real block device (a loop device over a
// sparse file standing in for the EBS volume), formatted only when empty, mounted by label,
// and found again with its data by the next server.
describe("webstack-apply: the database's data volume, on a real block device", function () {
    this.timeout(120000);
    let dir: string;
    let loop: string;
    const label = `wsdata-${process.pid}`.slice(0, 16);

    // Mounts must be visible to the test, so the applier runs in this mount namespace, with
    // /var/lib/webstack bind-mounted from the test directory for the duration of the suite.
    function applier(args: string[], volumes: object[], program = APPLIER): Promise<{ status: number; stdout: string; stderr: string }> {
        fs.writeFileSync(path.join(dir, "state", "apply", "volumes.json"), JSON.stringify(volumes));
        return new Promise((resolve) =>
            execFile("/usr/bin/python3", [program, ...args], { encoding: "utf8" }, (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
        );
    }
    const volume = (device: string) => ({ volumeId: "vol-0123456789abcdef0", device, label, mountPoint: path.join(dir, "mysql") });
    const unmount = () => run("umount", [path.join(dir, "mysql")]).catch(() => "");

    before(async () => {
        assert.equal(process.getuid?.(), 0, "needs root (losetup, mkfs, mount)");
        fs.mkdirSync("/var/lib/webstack", { recursive: true });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-volume-"));
        fs.mkdirSync(path.join(dir, "state", "apply"), { recursive: true });
        const image = path.join(dir, "ebs.img");
        fs.writeFileSync(image, "");
        fs.truncateSync(image, 64 * 1024 * 1024);
        loop = (await run("losetup", ["--find", "--show", image])).trim();
        await run("mount", ["--bind", path.join(dir, "state"), "/var/lib/webstack"]);
    });
    after(async () => {
        await unmount();
        await run("umount", ["/var/lib/webstack"]).catch(() => "");
        if (loop) await run("losetup", ["-d", loop]).catch(() => "");
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("formats an empty volume with its label, mounts it without lost+found, and mounts it again with its data intact", async () => {
        const first = await applier(["--mount-data"], [volume(loop)]);
        assert.equal(first.status, 0, first.stdout + first.stderr);
        assert.match(first.stdout, /mounted from the volume labelled .* \(formatted: it was empty\)/);
        assert.deepEqual(fs.readdirSync(path.join(dir, "mysql")), []);
        fs.writeFileSync(path.join(dir, "mysql", "rows"), "42 rows\n");
        await unmount();
        // The next server: the same volume, found by its label, not formatted again.
        const again = await applier(["--mount-data"], [volume("/dev/sdf-not-attached-here")]);
        assert.equal(again.status, 0, again.stdout + again.stderr);
        assert.doesNotMatch(again.stdout, /formatted/);
        assert.equal(fs.readFileSync(path.join(dir, "mysql", "rows"), "utf8"), "42 rows\n");
        assert.equal((await run("findmnt", ["-n", "-o", "SOURCE", path.join(dir, "mysql")])).trim(), loop, "the rows are read from the volume, not the directory under it");
        const twice = await applier(["--mount-data"], [volume(loop)]);
        assert.match(twice.stdout, /already mounted/);
        await unmount();
    });

    it("refuses to format a device that holds another file system, and says so", async () => {
        await run("mkfs.ext4", ["-q", "-F", "-L", "not-ours", loop]);
        const out = await applier(["--mount-data"], [volume(loop)]);
        assert.equal(out.status, 1);
        assert.match(out.stdout, /holds a ext4 file system without the label .*: refusing to format it/);
        assert.equal((await run("blkid", ["-o", "value", "-s", "LABEL", loop])).trim(), "not-ours");
    });

    it("gives up, naming where it looked, when the volume never appears", async () => {
        const source = fs.readFileSync(APPLIER, "utf8").replace("DEVICE_WAIT_SECONDS = 600", "DEVICE_WAIT_SECONDS = 1");
        const quick = path.join(dir, "webstack-apply-quick.py");
        fs.writeFileSync(quick, source);
        const out = await applier(["--mount-data"], [{ ...volume("/dev/sdz"), label: "never-seen-lbl" }], quick);
        assert.equal(out.status, 1);
        assert.match(out.stdout, /did not appear at any of \/dev\/disk\/by-id\/nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0, \/dev\/sdz, \/dev\/xvdz within 1 s/);
    });
});
