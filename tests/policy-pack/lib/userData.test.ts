import * as assert from "assert";
import * as zlib from "zlib";
import { decodeUserDataText, fileContent, readUserData } from "../../../policy-pack/lib/userData";
import { userDataFor } from "../fixtures";

describe("lib/userData", () => {
    it("parses the program's cloud-config: packages, files, runcmd (array form joined)", () => {
        const ud = readUserData({ userData: userDataFor({ web: true, db: { role: "replica", engine: "mariadb" } }) })!;
        assert.strictEqual(ud.kind, "cloud-config");
        assert.ok(ud.packages.includes("nginx") && ud.packages.includes("mariadb-server"));
        assert.match(fileContent(ud, "/etc/mysql/mariadb.conf.d/60-webstack.cnf")!, /read_only = ON/);
        assert.ok(ud.runcmd.includes("systemctl enable --now nftables"));
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
});
