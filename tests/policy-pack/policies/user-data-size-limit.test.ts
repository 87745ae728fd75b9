import * as assert from "assert";
import * as zlib from "zlib";
import { rawUserDataBytes, userDataSizeLimit as policy, USER_DATA_LIMIT_BYTES } from "../../../policy-pack/policies/user-data-size-limit";
import { check, instance, resource } from "../fixtures";

const text = (bytes: number) => `#cloud-config\n# ${"x".repeat(bytes - 17)}\n`;

describe("user-data-size-limit", () => {
    it("passes user data of exactly 16,384 bytes and flags one byte more, naming the size and the fix", () => {
        assert.strictEqual(text(USER_DATA_LIMIT_BYTES).length, 16384);
        assert.deepStrictEqual(check(policy, [instance("ok", text(USER_DATA_LIMIT_BYTES))]), []);
        const findings = check(policy, [instance("big", text(USER_DATA_LIMIT_BYTES + 1))]);
        assert.strictEqual(findings.length, 1);
        assert.match(findings[0].message, /big: userData is 16385 bytes; EC2 refuses more than 16384 bytes .* gzip it into `userDataBase64`/);
    });

    it("counts UTF-8 bytes, not characters", () => {
        const multiByte = `#cloud-config\n# ${"é".repeat(8200)}\n`;
        assert.ok(multiByte.length < 16384 && Buffer.byteLength(multiByte) > 16384);
        assert.strictEqual(check(policy, [instance("utf8", multiByte)]).length, 1);
    });

    it("counts the raw bytes behind base64: userDataBase64 and launch templates, gzip as sent", () => {
        const big = text(20000);
        const gzipped = zlib.gzipSync(big).toString("base64");
        assert.deepStrictEqual(check(policy, [instance("gz", undefined, { userDataBase64: gzipped })]), [], "20 KB of text gzips well below the limit");
        const plain64 = Buffer.from(big).toString("base64");
        assert.strictEqual(check(policy, [instance("b64", undefined, { userDataBase64: plain64 })]).length, 1);
        assert.strictEqual(check(policy, [resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { userData: plain64 })]).length, 1);
        assert.deepStrictEqual(check(policy, [resource("aws:ec2/launchTemplate:LaunchTemplate", "lt-ok", { userData: Buffer.from(text(1000)).toString("base64") })]), []);
        assert.deepStrictEqual(rawUserDataBytes("aws:ec2/launchTemplate:LaunchTemplate", { userData: plain64 }), { bytes: 20000, input: "userData (base64)" });
    });

    it("says nothing when the user data is unknown (preview) or absent", () => {
        assert.deepStrictEqual(check(policy, [instance("none", undefined)]), []);
    });
});
