import { strict as assert } from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { renderAppSource } from "../../render/app";

// The rendered app, run for real by python3, against a stand-in for PyMySQL at its module
// interface: the stand-in records every statement and can fail like a real connection.

const FAKE_PYMYSQL = `
import json, os

class _Cursor:
    def __init__(self, host): self.host = host
    def __enter__(self): return self
    def __exit__(self, *a): return False
    def execute(self, sql, args=None):
        with open(os.environ["STATEMENT_LOG"], "a") as f:
            f.write(json.dumps({"host": self.host, "sql": sql}) + "\\n")
    def fetchone(self): return (self.host, 1 if "reader" in self.host else 0)

class _Connection:
    def __init__(self, host): self.host = host
    def cursor(self): return _Cursor(self.host)
    def commit(self): pass
    def close(self): pass

def connect(host=None, **kwargs):
    if os.environ.get("FAIL_HOST") == host:
        raise RuntimeError("(1045, \\"Access denied for user 'webapp'@'10.20.64.10' (using password: YES)\\")")
    return _Connection(host)
`;

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        http.get({ host: "127.0.0.1", port, path: urlPath }, (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        }).on("error", reject);
    });
}

describe("the sample app (python3, real process)", function () {
    this.timeout(20000);
    let dir: string;
    let app: ChildProcess;
    let port: number;
    let stderr = "";

    async function start(extraEnv: Record<string, string> = {}) {
        port = await freePort();
        stderr = "";
        app = spawn("python3", [path.join(dir, "app.py")], {
            env: {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                PYTHONPATH: path.join(dir, "lib"),
                STATEMENT_LOG: path.join(dir, "statements.log"),
                WEBSTACK_SERVER_NAME: "app-0",
                WEBSTACK_APP_PORT: String(port),
                WEBSTACK_DB_WRITER: "writer.internal",
                WEBSTACK_DB_READER: "reader.internal",
                WEBSTACK_DB_PORT: "3306",
                WEBSTACK_DB_NAME: "webapp",
                WEBSTACK_DB_USER: "webapp",
                WEBSTACK_DB_PASSWORD_FILE: path.join(dir, "password"),
                WEBSTACK_DB_CA: "/nonexistent/ca.pem",
                ...extraEnv,
            },
        });
        app.stderr!.on("data", (c) => (stderr += c));
        for (let i = 0; i < 100; i++) {
            try {
                await get(port, "/healthz");
                return;
            } catch {
                await new Promise((r) => setTimeout(r, 50));
            }
        }
        throw new Error(`the app did not start: ${stderr}`);
    }

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "webstack-app-"));
        fs.mkdirSync(path.join(dir, "lib"));
        fs.writeFileSync(path.join(dir, "lib", "pymysql.py"), FAKE_PYMYSQL);
        fs.writeFileSync(path.join(dir, "app.py"), renderAppSource());
        fs.writeFileSync(path.join(dir, "password"), "Abc123\n");
    });
    afterEach(() => {
        app?.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("is a real Python file that compiles on its own, installed byte for byte", () => {
        const source = path.join(__dirname, "..", "..", "render", "verbatim", "app.py");
        const compiled = spawnSync("python3", ["-c", "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')", source], { encoding: "utf8" });
        assert.equal(compiled.status, 0, compiled.stderr);
        assert.equal(renderAppSource(), fs.readFileSync(source, "utf8"));
    });

    it("/db.json only reads: no statement but a SELECT reaches either database, however often it is asked", async () => {
        await start();
        for (let i = 0; i < 5; i++) {
            const page = await get(port, "/db.json");
            assert.equal(page.status, 200);
            const report = JSON.parse(page.body);
            assert.deepEqual(report.writer, { ok: true, host: "writer.internal", read_only: false });
            assert.deepEqual(report.reader, { ok: true, host: "reader.internal", read_only: true });
        }
        const statements = fs
            .readFileSync(path.join(dir, "statements.log"), "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l));
        assert.equal(statements.length, 10);
        for (const { sql } of statements) {
            assert.match(sql, /^SELECT /, `a non-read statement: ${sql}`);
        }
    });

    it("never sends a database error to the client; the detail goes to the journal", async () => {
        await start({ FAIL_HOST: "writer.internal" });
        const page = await get(port, "/db.json");
        const report = JSON.parse(page.body);
        assert.deepEqual(report.writer, { ok: false, error: "unavailable" });
        assert.doesNotMatch(page.body, /Access denied|webapp|10\.20/);
        await new Promise((r) => setTimeout(r, 100));
        assert.match(stderr, /webstack-app: database writer\.internal: .*Access denied/);
    });
});
