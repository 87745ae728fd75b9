import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APP_PRIVILEGES, renderRdsAppUserScript, RdsAppUserSpec } from "../../render/rdsAppUser";

// The rendered script, run by python3 with stand-ins at its real interfaces: an `aws` command
// that answers get-secret-value as the CLI does, and a PyMySQL module that records what is
// executed with which parameters, as the driver would receive it.

const FAKE_PYMYSQL = `
import json, os
class _Cursor:
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def execute(self, sql, args=None):
        with open(os.environ["LOG"], "a") as f: f.write(json.dumps({"sql": sql, "args": args}) + "\\n")
class _Conn:
    def cursor(self): return _Cursor()
    def commit(self):
        with open(os.environ["LOG"], "a") as f: f.write(json.dumps({"commit": True}) + "\\n")
    def close(self): pass
def connect(**kwargs):
    with open(os.environ["LOG"], "a") as f: f.write(json.dumps({"connect": kwargs}) + "\\n")
    return _Conn()
`;

const MASTER_PASSWORD = "p'a$s\\w`)\"x";

describe("renderRdsAppUserScript (python3, real process)", () => {
    let dir: string;
    const spec: RdsAppUserSpec = {
        region: "us-east-1",
        masterSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf",
        writerHost: "webstack-db-writer.x.us-east-1.rds.amazonaws.com",
        port: 3306,
        caPath: "/etc/webstack/tls/rds-ca.pem",
        databaseName: "webapp",
        appUser: "webstack_app",
        appPasswordFile: "",
    };
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-rds-user-"));
        fs.mkdirSync(path.join(dir, "lib"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.writeFileSync(path.join(dir, "lib", "pymysql.py"), FAKE_PYMYSQL);
        // RDS-generated master passwords may hold quotes, $, backslashes and backticks.
        fs.writeFileSync(path.join(dir, "secret.json"), `${JSON.stringify({ username: "webapp", password: MASTER_PASSWORD })}\n`);
        fs.writeFileSync(path.join(dir, "bin", "aws"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/aws.log"\ncat "${dir}/secret.json"\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "app-password"), "Abc123def\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function run(overrides: Partial<RdsAppUserSpec> = {}) {
        const script = path.join(dir, "script.py");
        fs.writeFileSync(script, renderRdsAppUserScript({ ...spec, appPasswordFile: path.join(dir, "app-password"), ...overrides }));
        const result = spawnSync("python3", [script], { env: { PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`, PYTHONPATH: path.join(dir, "lib"), LOG: path.join(dir, "log") }, encoding: "utf8" });
        const log = fs.existsSync(path.join(dir, "log"))
            ? fs
                  .readFileSync(path.join(dir, "log"), "utf8")
                  .trim()
                  .split("\n")
                  .map((l) => JSON.parse(l))
            : [];
        return { result, log };
    }

    it("compiles", () => {
        const script = path.join(dir, "script.py");
        fs.writeFileSync(script, renderRdsAppUserScript({ ...spec, appPasswordFile: "/x" }));
        const compiled = spawnSync("python3", ["-m", "py_compile", script], { encoding: "utf8" });
        assert.equal(compiled.status, 0, compiled.stderr);
    });

    it("reads the master secret, connects over verified TLS and grants the app user only its privileges on its database", () => {
        const { result, log } = run();
        assert.equal(result.status, 0, result.stderr);
        assert.match(
            fs.readFileSync(path.join(dir, "aws.log"), "utf8"),
            /^secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf --query SecretString --output text$/m,
        );
        const connect = log[0].connect;
        assert.equal(connect.user, "webapp");
        assert.equal(connect.password, MASTER_PASSWORD);
        assert.equal(connect.ssl_ca, "/etc/webstack/tls/rds-ca.pem");
        assert.equal(connect.ssl_verify_cert, true);
        assert.equal(connect.ssl_verify_identity, true);
        const statements = log.filter((l) => l.sql);
        assert.deepEqual(statements, [
            { sql: "CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s REQUIRE SSL", args: ["webstack_app", "Abc123def"] },
            { sql: "ALTER USER %s@'%%' IDENTIFIED BY %s REQUIRE SSL", args: ["webstack_app", "Abc123def"] },
            { sql: `GRANT ${APP_PRIVILEGES} ON \`webapp\`.* TO %s@'%%'`, args: ["webstack_app"] },
        ]);
        assert.deepEqual(log[log.length - 1], { commit: true });
        assert.ok(!(result.stdout + result.stderr).includes(MASTER_PASSWORD), "the master password is never printed");
    });

    it("refuses a database name that is not a plain identifier, before connecting", () => {
        const { result, log } = run({ databaseName: "webapp`; DROP DATABASE mysql; --" });
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /is not a plain identifier/);
        assert.deepEqual(log, []);
    });
});
