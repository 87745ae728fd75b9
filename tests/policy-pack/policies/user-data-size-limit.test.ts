import * as assert from "assert";
import * as zlib from "zlib";
import { rawUserDataBytes, userDataSizeLimit as policy, USER_DATA_LIMIT_BYTES } from "../../../policy-pack/policies/user-data-size-limit";
import { check, flagged, instance, resource, templateLaunchers } from "../fixtures";

const spotFleet = (launchSpecifications: Record<string, unknown>[]) =>
    resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", { iamFleetRole: "arn:aws:iam::123456789012:role/fleet", targetCapacity: 2, launchSpecifications });

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
    it("judges each spot fleet launch specification's userData, naming its path; base64 text is sent as is, so its decoded bytes count", () => {
        const big = text(USER_DATA_LIMIT_BYTES + 1);
        const findings = check(policy, [
            spotFleet([
                { ami: "ami-1", instanceType: "t3.small", userData: text(1000) },
                { ami: "ami-1", instanceType: "t3.small", userData: big },
                { ami: "ami-1", instanceType: "t3.small", userData: Buffer.from(big).toString("base64") },
            ]),
        ]);
        assert.deepStrictEqual(
            findings.map((f) => f.message.split(" is ")[0]),
            ["fleet: launchSpecifications[1].userData", "fleet: launchSpecifications[2].userData"],
        );
        assert.match(findings[0].message, /is 16385 bytes; EC2 refuses more than 16384 .* gzip it and give its base64 in `launchSpecifications\[1\]\.userData`/);
        // The correct twins: at the limit as text, 13,000 bytes as base64 (17,336 characters, but sent
        // as is, so 13,000 bytes count), and 20 KB gzipped into base64 (compressed bytes count).
        const base64Under = Buffer.from(text(13000)).toString("base64");
        assert.ok(base64Under.length > USER_DATA_LIMIT_BYTES);
        assert.deepStrictEqual(
            check(policy, [
                spotFleet([
                    { ami: "ami-1", instanceType: "t3.small", userData: text(USER_DATA_LIMIT_BYTES) },
                    { ami: "ami-1", instanceType: "t3.small", userData: base64Under },
                    { ami: "ami-1", instanceType: "t3.small", userData: zlib.gzipSync(text(20000)).toString("base64") },
                ]),
            ]),
            [],
        );
    });

    it("judges launch configurations and spot requests like instances (userData text or base64, userDataBase64)", () => {
        const big = text(USER_DATA_LIMIT_BYTES + 1);
        for (const type of ["aws:ec2/launchConfiguration:LaunchConfiguration", "aws:ec2/spotInstanceRequest:SpotInstanceRequest"]) {
            const findings = check(policy, [
                resource(type, "text", { userData: big }),
                resource(type, "b64", { userDataBase64: Buffer.from(big).toString("base64") }),
                resource(type, "b64-in-text", { userData: Buffer.from(big).toString("base64") }),
            ]);
            assert.deepStrictEqual(
                findings.map((f) => f.message.split(";")[0]),
                ["text: userData is 16385 bytes", "b64: userDataBase64 is 16385 bytes", "b64-in-text: userData is 16385 bytes"],
                type,
            );
            assert.deepStrictEqual(
                check(policy, [
                    resource(type, "text", { userData: text(USER_DATA_LIMIT_BYTES) }),
                    resource(type, "gz", { userDataBase64: zlib.gzipSync(big).toString("base64") }),
                    resource(type, "gz-in-text", { userData: zlib.gzipSync(big).toString("base64") }),
                    resource(type, "b64-in-text", { userData: Buffer.from(text(13000)).toString("base64") }),
                ]),
                [],
                type,
            );
        }
    });

    it("judges EC2 Fleets, Auto Scaling groups and spot fleets' launchTemplateConfigs through the templates and configurations they launch from", () => {
        const stack = (bytes: number) => [
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { userData: Buffer.from(text(bytes)).toString("base64") }),
            resource("aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { imageId: "ami-1", instanceType: "t3.small", userData: text(bytes) }),
            ...templateLaunchers("lt", "lc"),
        ];
        assert.deepStrictEqual(flagged(check(policy, stack(USER_DATA_LIMIT_BYTES + 1))), ["lt", "lc"]);
        assert.deepStrictEqual(check(policy, stack(USER_DATA_LIMIT_BYTES)), []);
    });
});
