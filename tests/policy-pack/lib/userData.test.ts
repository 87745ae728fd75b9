import * as assert from "assert";
import * as zlib from "zlib";
import { allTexts, decodeUserDataText, fileContent, isServerType, parseUserDataText, readUserData } from "../../../policy-pack/lib/userData";
import { userDataFor } from "../fixtures";

describe("lib/userData", () => {
    it("parses the program's cloud-config: packages, files, runcmd (array form joined)", () => {
        const ud = readUserData({ userData: userDataFor({ web: true, db: { role: "replica", engine: "mariadb" } }) })!;
        assert.strictEqual(ud.kind, "cloud-config");
        assert.ok(ud.packages.includes("nginx") && ud.packages.includes("mariadb-server"));
        assert.match(fileContent(ud, "/etc/mysql/mariadb.conf.d/60-webstack.cnf")!, /read_only = ON/);
        assert.ok(ud.runcmd.includes("systemctl enable --now nftables"));
    });
    it("parses each user data text once: equal texts give the same frozen object, whether given as text or base64", () => {
        const text = userDataFor({ web: true, app: true });
        const a = readUserData({ userData: text })!;
        const b = readUserData({ userData: `${text}` })!;
        assert.strictEqual(a, b);
        assert.ok(Object.isFrozen(a) && Object.isFrozen(a.files) && Object.isFrozen(a.files[0]));
        const encoded = Buffer.from(text).toString("base64");
        assert.strictEqual(readUserData({ userDataBase64: encoded }), readUserData({ userData: encoded }));
        assert.deepStrictEqual(readUserData({ userDataBase64: encoded }), a);
        assert.notStrictEqual(readUserData({ userData: `${text}# other\n` }), a);
    });
    it("decodes base64, gzip+base64 and b64-encoded write_files content", () => {
        const text = "#cloud-config\nwrite_files:\n  - path: /x\n    encoding: b64\n    content: " + Buffer.from("hello").toString("base64") + "\n";
        assert.strictEqual(fileContent(readUserData({ userDataBase64: Buffer.from(text).toString("base64") })!, "/x"), "hello");
        assert.strictEqual(decodeUserDataText(zlib.gzipSync(Buffer.from(text)).toString("base64")), text);
    });
    it("keeps shell scripts and broken YAML as raw text, and unknown values as undefined", () => {
        assert.strictEqual(readUserData({ userData: "#!/bin/bash\necho hi\n" })!.kind, "script");
        assert.strictEqual(readUserData({ userData: "#cloud-config\n: : [\n" })!.kind, "script");
        assert.strictEqual(readUserData({ userData: undefined }), undefined);
        assert.strictEqual(readUserData({ userData: { unknown: true } }), undefined);
        assert.strictEqual(readUserData(undefined), undefined);
    });
    it("decodes only what is really base64 of a #-document, and keeps everything else as given", () => {
        const doc = "#!/bin/bash\necho hi\n";
        const b64 = Buffer.from(doc).toString("base64");
        assert.strictEqual(decodeUserDataText(b64), doc);
        assert.strictEqual(decodeUserDataText(`  ${b64}\t`), doc);
        // Already text: a #-document (even indented) or anything with a newline.
        assert.strictEqual(decodeUserDataText("  #cloud-config"), "  #cloud-config");
        assert.strictEqual(decodeUserDataText("YWJj\nZGVm"), "YWJj\nZGVm");
        // Not base64 alphabet, empty, or decoding to something that is not a #-document.
        assert.strictEqual(decodeUserDataText("not base64!"), "not base64!");
        assert.strictEqual(decodeUserDataText("abc*"), "abc*");
        assert.strictEqual(decodeUserDataText("*abc"), "*abc");
        assert.strictEqual(decodeUserDataText("   "), "   ");
        assert.strictEqual(decodeUserDataText("aGVsbG8="), "aGVsbG8=");
        assert.strictEqual(decodeUserDataText(Buffer.from("\u0001#x").toString("base64")), Buffer.from("\u0001#x").toString("base64"));
        assert.strictEqual(decodeUserDataText(Buffer.from("  #x\u0001").toString("base64")), Buffer.from("  #x\u0001").toString("base64"));
        assert.strictEqual(decodeUserDataText(Buffer.from("  #x").toString("base64")), "  #x");
        // gzip magic on its own (or a broken stream) is kept, not thrown.
        const broken = Buffer.from([0x1f, 0x8b, 0x00, 0x01]).toString("base64");
        assert.strictEqual(decodeUserDataText(broken), broken);
        const half = Buffer.from([0x1f, 0x41]).toString("base64");
        assert.strictEqual(decodeUserDataText(half), half);
    });
    it("parses packages (versions and list forms), files (every encoding, odd entries skipped) and runcmd exactly", () => {
        const gz = zlib.gzipSync(Buffer.from("zipped")).toString("base64");
        const text = [
            "#cloud-config",
            "packages:",
            "  - nginx=1.24.0-1",
            "  - [mysql-server, 8.0.36]",
            "  - 42",
            "write_files:",
            "  - path: /plain",
            "    content: plain",
            "  - path: /b64",
            "    encoding: BASE64",
            `    content: ${Buffer.from("decoded").toString("base64")}`,
            ...["gz+b64", "gzip+base64", "gz+base64", "gzip+b64"].flatMap((enc) => [`  - path: /${enc}`, `    encoding: ${enc}`, `    content: ${gz}`]),
            "  - path: /bad-gzip",
            "    encoding: gzip+b64",
            "    content: bm90Z3ppcA==",
            "  - path: /no-content",
            "  - content: no path",
            "  - just a string",
            "  - null",
            "runcmd:",
            "  - [systemctl, enable, --now, nftables]",
            "  - echo hi",
            "  - 7",
            "  - ''",
        ].join("\n");
        const ud = parseUserDataText(text);
        assert.deepStrictEqual(ud, {
            kind: "cloud-config",
            text,
            packages: ["nginx", "mysql-server"],
            files: [
                { path: "/plain", content: "plain" },
                { path: "/b64", content: "decoded" },
                { path: "/gz+b64", content: "zipped" },
                { path: "/gzip+base64", content: "zipped" },
                { path: "/gz+base64", content: "zipped" },
                { path: "/gzip+b64", content: "zipped" },
                { path: "/bad-gzip", content: "" },
                { path: "/no-content", content: "" },
            ],
            runcmd: ["systemctl enable --now nftables", "echo hi"],
        });
    });
    it("treats a cloud-config that is not a mapping as empty, and only #cloud-config (after leading blanks) as cloud-config", () => {
        assert.deepStrictEqual(parseUserDataText("#cloud-config\n- a\n"), { kind: "cloud-config", text: "#cloud-config\n- a\n", packages: [], files: [], runcmd: [] });
        assert.deepStrictEqual(parseUserDataText("#cloud-config\n"), { kind: "cloud-config", text: "#cloud-config\n", packages: [], files: [], runcmd: [] });
        assert.strictEqual(parseUserDataText("\n  #cloud-config\npackages: [curl]\n").kind, "cloud-config");
        assert.strictEqual(parseUserDataText("#!/bin/sh\n#cloud-config\n").kind, "script");
        assert.strictEqual(readUserData({ userData: "" }), undefined);
        assert.strictEqual(readUserData({ userData: 5, userDataBase64: Buffer.from("#!/bin/sh\n").toString("base64") })!.text, "#!/bin/sh\n");
    });
    it("fileContent takes the last write of a path; allTexts covers text, files and commands; server types are instances, launch templates, launch configurations and spot requests", () => {
        const ud = parseUserDataText("#cloud-config\nwrite_files:\n  - {path: /a, content: one}\n  - {path: /a, content: two}\nruncmd: [go]\n");
        assert.strictEqual(fileContent(ud, "/a"), "two");
        assert.strictEqual(fileContent(ud, "/b"), undefined);
        assert.deepStrictEqual(allTexts(ud), [ud.text, "one", "two", "go"]);
        assert.deepStrictEqual(
            [
                "aws:ec2/instance:Instance",
                "aws:ec2/launchTemplate:LaunchTemplate",
                "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
                "aws:ec2/launchConfiguration:LaunchConfiguration",
                "aws:ec2/spotFleetRequest:SpotFleetRequest",
            ].map(isServerType),
            [true, true, true, true, false],
        );
    });
});
