import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import { instanceRoles } from "../../../policy-pack/lib/iam/instanceRoles";
import { AwsStandIn, startAwsStandIn } from "../../../rehearsal/standins/awsEndpoint";
import { inputs, ofType, programRun } from "../../helpers/programRuns";

// The stand-in answered by the real AWS CLI v2 (Debian's awscli), with the dev program's own
// instance roles and parameters: each server reads its own secrets, is denied the others'
// as IAM would deny them, and a wrong secret key fails the signature check.

const AWS = "/usr/bin/aws";
const ACCOUNT = "123456789012";

describe("rehearsal stand-in: SSM at its real interface", function () {
    this.timeout(60000);
    let standIn: AwsStandIn;
    let keys: Record<string, { id: string; secret: string }>;
    let parameters: { name: string; value: string }[];

    before(async () => {
        assert.ok(fs.existsSync(AWS), `${AWS} missing: apt-get install awscli (.ci/run installs it)`);
        const run = await programRun("dev");
        const roles = instanceRoles(run.resources.map((r) => ({ type: r.type, name: r.name, props: inputs(r) })));
        keys = Object.fromEntries(roles.map((r, i) => [r.instance, { id: `AKIASTANDIN0000000${i}`.slice(0, 20), secret: `stand-in-secret-${i}` }]));
        parameters = ofType(run, "aws:ssm/parameter:Parameter").map((p) => ({ name: String(inputs(p).name), value: String(inputs(p).value) }));
        standIn = await startAwsStandIn({
            host: "127.0.0.1",
            port: 0,
            region: "us-east-1",
            accountId: ACCOUNT,
            parameters: parameters.map((p) => ({ ...p, type: "SecureString" })),
            principals: roles.map((r) => ({ accessKeyId: keys[r.instance].id, secretAccessKey: keys[r.instance].secret, roleName: r.role, instanceName: r.instance, policies: r.policies })),
        });
    });
    after(() => standIn?.stop());

    /** The CLI in a child process, awaited: the stand-in answers from this process's event loop. */
    function aws(accessKeyId: string, secret: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
        return new Promise((resolve) => {
            execFile(
                AWS,
                ["ssm", "get-parameter", "--endpoint-url", standIn.url, "--region", "us-east-1", "--cli-read-timeout", "10", ...args],
                { env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secret, AWS_EC2_METADATA_DISABLED: "true" }, encoding: "utf8" },
                (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
            );
        });
    }

    function getParameter(instance: string, name: string, secret = keys[instance].secret) {
        return aws(keys[instance].id, secret, ["--name", name, "--with-decryption", "--query", "Parameter.Value", "--output", "text"]);
    }

    it("serves a server its own secrets, as the fetch script asks for them", async () => {
        const own = parameters.find((p) => p.name === "/webstack/dev/tls/app-0.key")!;
        assert.ok(own, parameters.map((p) => p.name).join(", "));
        const out = await getParameter("webstack-app-0", own.name);
        assert.equal(out.status, 0, out.stderr);
        assert.equal(out.stdout.trimEnd(), own.value.trimEnd());
        const last = standIn.requests[standIn.requests.length - 1];
        assert.equal(last.decision, "allow");
        assert.match(last.detail!, /^inline:webstack-app-0-role\/webstack-app-0-secrets statement #0/);
    });

    it("denies another server's secret with AWS's AccessDeniedException", async () => {
        const out = await getParameter("webstack-lb", "/webstack/dev/mysql/root-password");
        assert.notEqual(out.status, 0);
        assert.match(
            out.stderr,
            /AccessDeniedException.*User: arn:aws:sts::123456789012:assumed-role\/webstack-lb-role\/webstack-lb is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:us-east-1:123456789012:parameter\/webstack\/dev\/mysql\/root-password because no identity-based policy allows the ssm:GetParameter action/,
        );
        assert.equal(standIn.requests[standIn.requests.length - 1].decision, "deny");
    });

    it("refuses a request signed with the wrong secret key, and an unknown key", async () => {
        const badSignature = await getParameter("webstack-app-0", "/webstack/dev/tls/app-0.key", "not-the-secret");
        assert.notEqual(badSignature.status, 0);
        assert.match(badSignature.stderr, /InvalidSignatureException/);
        const unknown = await aws("AKIANOBODY0000000000", "x", ["--name", "/x"]);
        assert.match(unknown.stderr, /UnrecognizedClientException/);
    });

    it("checks IAM before existence, as AWS does: a name outside the role's policy is denied, not 'not found'", async () => {
        const missing = await getParameter("webstack-app-0", "/webstack/dev/nothing-here");
        assert.match(missing.stderr, /AccessDeniedException/);
    });

    it("a put is a new version: the parameter's Version goes 1 → 2, as SSM numbers them (the applier refetches on it)", async () => {
        const own = parameters.find((p) => p.name === "/webstack/dev/tls/app-0.key")!;
        const before = await aws(keys["webstack-app-0"].id, keys["webstack-app-0"].secret, ["--name", own.name, "--query", "Parameter.Version", "--output", "text"]);
        assert.equal(before.stdout.trim(), "1");
        assert.equal(standIn.putParameter(own.name, "renewed"), 2);
        const after = await getParameter("webstack-app-0", own.name);
        assert.equal(after.stdout.trimEnd(), "renewed");
        const version = await aws(keys["webstack-app-0"].id, keys["webstack-app-0"].secret, ["--name", own.name, "--query", "Parameter.Version", "--output", "text"]);
        assert.equal(version.stdout.trim(), "2");
    });
});
