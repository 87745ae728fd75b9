import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderDatabaseBootstrap } from "../../render/replicationBootstrap";
import { renderDatadogInstallScript } from "../../render/datadogFiles";
import { renderBootstrap } from "../../render/bootstrap";
import { sqlString } from "../../render/quote";

// Every script the program renders, fed hostile strings in every string field: each must still
// parse (`sh -n`) and, run under stub commands, must never execute the injected command. The
// stubs stand in for every external command the scripts call, so nothing outside the test's
// temporary directory is touched; shell redirections go to paths the spec points into it.

const STUBBED = ["aws", "curl", "bash", "mysql", "mariadb", "systemctl", "chown", "chmod", "mkdir", "mktemp", "mv", "rm", "sleep", "cat", "dirname", "nft"];

interface Sandbox {
    dir: string;
    marker: string;
    log: string;
    run(script: string): { status: number | null; stderr: string };
    calls(): string[][];
    reset(): void;
}

function sandbox(): Sandbox {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-inject-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    const log = path.join(dir, "calls.log");
    const marker = path.join(dir, "PWNED");
    for (const command of STUBBED) {
        // Record argv NUL-separated, one call per record; `aws` answers an alphanumeric value,
        // `mktemp` a file inside the sandbox, `cat` passes stdin through (heredocs).
        const body: Record<string, string> = {
            aws: `printf '%s' Abc123def456`,
            mktemp: `printf '%s' "${dir}/tmpfile"`,
            cat: `if [ $# -eq 0 ]; then /bin/cat; else printf '%s' Abc123def456; fi`,
            dirname: `printf '%s' "${dir}"`,
            mysql: `/bin/cat > "${dir}/mysql.stdin"`,
        };
        fs.writeFileSync(path.join(bin, command), `#!/bin/sh\n{ printf '%s\\036' ${command} "$@"; printf '\\035'; } >> "${log}"\n${body[command] ?? "exit 0"}\n`, { mode: 0o755 });
    }
    // The injected payload's own command is real, so an injection that runs leaves its mark.
    fs.symlinkSync(execFileSync("/bin/sh", ["-c", "command -v touch"]).toString().trim(), path.join(bin, "touch"));
    return {
        dir,
        marker,
        log,
        run(script: string) {
            const file = path.join(dir, "script.sh");
            fs.writeFileSync(file, script, { mode: 0o700 });
            const result = spawnSync("/bin/sh", [file], { cwd: dir, env: { PATH: bin, HOME: dir }, encoding: "utf8", timeout: 10000 });
            return { status: result.status, stderr: result.stderr };
        },
        calls() {
            if (!fs.existsSync(log)) return [];
            return fs
                .readFileSync(log, "utf8")
                .split("\x1d")
                .filter(Boolean)
                .map((record) => record.split("\x1e").slice(0, -1));
        },
        reset() {
            for (const f of [log, marker, path.join(dir, "mysql.stdin")]) fs.rmSync(f, { force: true });
        },
    };
}

/** Strings that break out of single quotes, double quotes, heredocs and command lines. */
function hostileStrings(marker: string): fc.Arbitrary<string> {
    const payloads = [
        `'$(touch ${marker})'`,
        `"$(touch ${marker})"`,
        `\`touch ${marker}\``,
        `'; touch ${marker}; '`,
        `"; touch ${marker}; "`,
        `x\ntouch ${marker}\n`,
        `\nSQL\ntouch ${marker}\ncat <<SQL\n`,
        `\nEOF\ntouch ${marker}\ncat <<EOF\n`,
        `$(touch ${marker})`,
        `\\'; touch ${marker}; #`,
        `o'neil`,
    ];
    return fc.tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...payloads), fc.string({ maxLength: 6 })).map(([a, p, b]) => `${a}${p}${b}`.replace(/\0/g, ""));
}

function shellParses(script: string): string {
    const result = spawnSync("/bin/sh", ["-n"], { input: script, encoding: "utf8" });
    return result.status === 0 ? "" : result.stderr;
}

describe("rendered scripts under hostile input", function () {
    this.timeout(120000);
    let box: Sandbox;
    before(() => {
        box = sandbox();
    });
    after(() => fs.rmSync(box.dir, { recursive: true, force: true }));

    function assertSafe(name: string, script: string) {
        assert.equal(shellParses(script), "", `${name}: sh -n rejects the script`);
        box.reset();
        box.run(script);
        assert.ok(!fs.existsSync(box.marker), `${name}: the injected command ran:\n${script}`);
    }

    it("renderDatadogInstallScript: tags, site, parameter and region", () => {
        fc.assert(
            fc.property(hostileStrings(box.marker), hostileStrings(box.marker), (tag, other) => {
                const script = renderDatadogInstallScript({ site: other, apiKeyParameter: other, region: other, tags: ["env:dev", tag] });
                assertSafe("datadog", script);
                const aws = box.calls().find((c) => c[0] === "aws");
                assert.ok(aws, "the script asked SSM for the API key");
                assert.equal(aws[aws.indexOf("--name") + 1], other, "the parameter name reached aws intact");
            }),
            { numRuns: 60, seed: 7 },
        );
    });

    // The boot script's KEY=value file is read by Python, not a shell, but a line break in a
    // value would still add a line to it: every value is held to its grammar first.
    it("renderBootstrap: region, bucket and key are refused unless they match their grammar", () => {
        fc.assert(
            fc.property(hostileStrings(box.marker), (value) => {
                assert.throws(() => renderBootstrap({ region: value, bucket: "webstack-config-abc1234", key: "servers/x.yaml" }), /not an AWS region name/);
                assert.throws(() => renderBootstrap({ region: "eu-west-1", bucket: value, key: "servers/x.yaml" }), /not an S3 bucket name/);
                assert.throws(() => renderBootstrap({ region: "eu-west-1", bucket: "webstack-config-abc1234", key: value }), /not a bundle key/);
            }),
            { numRuns: 60, seed: 11 },
        );
        assert.match(renderBootstrap({ region: "eu-west-1", bucket: "webstack-config-abc1234", key: "servers/webstack-lb.yaml" }), /BUNDLE_KEY=servers\/webstack-lb.yaml\n/);
    });

    for (const role of ["primary", "replica"] as const) {
        it(`renderDatabaseBootstrap (${role}): names, hosts, users and paths`, () => {
            fc.assert(
                fc.property(hostileStrings(box.marker), hostileStrings(box.marker), (value, other) => {
                    const script = renderDatabaseBootstrap({
                        role,
                        // Identifiers with line breaks are refused by sqlIdentifier (tested in quote.test.ts).
                        databaseName: value.replace(/[\x00-\x1f\x7f]/g, ""),
                        primaryHost: other,
                        port: 3306,
                        caPath: value,
                        appClientAddresses: [other, value],
                        replicaAddress: value,
                        appUser: other,
                        replicationUser: value,
                        passwordFiles: { root: other, replication: value, app: other },
                        // A line break cannot be an option-file value: the renderer refuses it (tested in renderers.test.ts).
                        socketPath: value.replace(/[\r\n]/g, ""),
                        rootOptionFile: path.join(box.dir, "my.cnf"),
                    });
                    assertSafe(`db-bootstrap ${role}`, script);
                    const sql = fs.readFileSync(path.join(box.dir, "mysql.stdin"), "utf8");
                    // The shell passed the SQL through untouched: the hostile user (primary) or
                    // primary host (replica) arrives as exactly one escaped string literal.
                    assert.ok(sql.includes(sqlString(other)), `mysql received ${JSON.stringify(sql)}`);
                }),
                { numRuns: 40, seed: 13 },
            );
        });
    }

    it("the sandbox itself catches an injection (the check can fail)", () => {
        const unsafe = `#!/bin/sh\nexport DD_HOST_TAGS='${`'$(touch ${box.marker})'`}'\n`;
        box.reset();
        box.run(unsafe);
        assert.ok(fs.existsSync(box.marker));
    });
});
