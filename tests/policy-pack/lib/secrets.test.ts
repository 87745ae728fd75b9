import * as assert from "assert";
import { findSecrets, isLiteralValue, passwordAssignments } from "../../../policy-pack/lib/secrets";
import { DATADOG_INSTALL_SCRIPT, FETCH_SECRETS_SCRIPT, MYSQL_BOOTSTRAP_SCRIPT } from "../fixtures";

describe("lib/secrets", () => {
    it("treats variable references, command substitutions and paths as non-secrets", () => {
        for (const v of ['"${REPL_PASSWORD}"', "$(cat /x)", "`cat /x`", "'$PW'", '""', "{{ pw }}", "/etc/webstack/secrets/pw"]) {
            assert.strictEqual(isLiteralValue(v), false, v);
        }
        assert.strictEqual(isLiteralValue("'hunter2'"), true);
    });
    it("finds nothing in the program's boot scripts", () => {
        assert.deepStrictEqual(findSecrets([DATADOG_INSTALL_SCRIPT, FETCH_SECRETS_SCRIPT, MYSQL_BOOTSTRAP_SCRIPT]), []);
        assert.deepStrictEqual(
            findSecrets([
                "validate_password.policy = STRONG",
                "[ $PASSWORD = foo ]",
                "PASSWORD_FILE=/run/pw",
                'conn = pymysql.connect(password=read_password(), user=os.environ["U"])',
                'password=os.environ["PW"]',
            ]),
            [],
        );
    });
    it("passwordAssignments finds what a full scan of the pattern finds, starting where the key does", () => {
        // The pattern as a plain global regex: passwordAssignments only skips positions no match can start at.
        const full = /(?<![$\w{.:])((?:[A-Za-z_][\w.-]*?)?(?:password|passwd|pwd|secret)[\w.-]*)\s*[:=][ \t]*("[^"\n]*"|'[^'\n]*'|[^\s"']+)/gi;
        const texts = [
            "x-password=abc", // a key may start after "-": the run leading to the word holds two starts
            "db.password=abc conf.secret: x", // not after "." (lookbehind): no match
            "my_secret_password: 'v' and pwd=1", // the word inside a longer key; a second match after the first
            'password="a"secret=b', // a match right where the previous one ends
            "--password=foo\nSECRET_KEY =\n  bar", // the separator may follow spaces and newlines after the key
            "passwordless passwd secretsmanager", // words that are no assignment
            "a=1\n[$PASSWORD] {secret=x} arn:secret=y",
        ];
        const triples = (ms: Iterable<RegExpExecArray>) => [...ms].map((m) => [m.index, m[1], m[2]]);
        for (const t of texts) {
            assert.deepStrictEqual(triples(passwordAssignments(t)), triples(t.matchAll(full)), t);
        }
        assert.deepStrictEqual(triples(passwordAssignments("x-password=abc")), [[0, "x-password", "abc"]]);
        assert.deepStrictEqual(triples(passwordAssignments('password="a"secret=b')), [
            [0, "password", '"a"'],
            [12, "secret", "b"],
        ]);
    });
    it("finds literal secrets", () => {
        assert.deepStrictEqual(
            findSecrets(["mysql --password=hunter2 -e 'select 1'"]).map((f) => f.kind),
            ["password"],
        );
        assert.deepStrictEqual(
            findSecrets(["CHANGE REPLICATION SOURCE TO SOURCE_PASSWORD='abc123xyz'"]).map((f) => f.detail),
            ["a literal value for SOURCE_PASSWORD"],
        );
    });
    it("isLiteralValue: trims, drops trailing ;,) and one pair of matching quotes, then rejects references, code and options", () => {
        const literal = ["hunter2", "  hunter2  ", "hunter2;", "'hunter2');", '"a"', "' ab '", "a'b'", "'a'b", "x;y", "pa-ss", "a<b", "a/b", "a{{b", "a%(b"];
        for (const v of literal) {
            assert.strictEqual(isLiteralValue(v), true, v);
        }
        const notLiteral = ["", "  ", "''", '""', "'\"\"'", "\"''\"", ";", "%(pw)s", "<secret>", "-x", "--user", "read()", 'os.environ["X"]', "a.b(1)", "$X", "{{x}}", "/run/pw", " '$X' ", "' /x '"];
        for (const v of notLiteral) {
            assert.strictEqual(isLiteralValue(v), false, v);
        }
    });
    it("finds each kind exactly once per kind and detail, never echoing the secret", () => {
        const key32 = "0123456789abcdef0123456789abcdef";
        const key40 = "0123456789abcdef0123456789abcdef01234567";
        const findings = findSecrets([
            "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----",
            "aws_access_key_id = AKIAABCDEFGHIJKLMNOP",
            `DD_API_KEY=${key32}`,
            `api_key: "${key40}"`,
            `app_key  =  '${key32}'`,
            "CREATE USER 'a'@'%' IDENTIFIED WITH caching_sha2_password  BY  'Sup3r!'",
            'ALTER USER x IDENTIFIED BY "s3cret"',
            "--db-password=hunter2",
            "secret_token: abc",
            "db.pwd = abc",
        ]);
        assert.deepStrictEqual(findings, [
            { kind: "private key", detail: "a PEM private key" },
            { kind: "AWS access key", detail: "an AWS access key id" },
            { kind: "Datadog key", detail: "a literal Datadog key in DD_API_KEY" },
            { kind: "Datadog key", detail: "a literal Datadog key in api_key" },
            { kind: "Datadog key", detail: "a literal Datadog key in app_key" },
            { kind: "password", detail: "a literal password in `IDENTIFIED BY '...'`" },
            { kind: "password", detail: "a literal value for db-password" },
            { kind: "password", detail: "a literal value for secret_token" },
            { kind: "password", detail: "a literal value for db.pwd" },
        ]);
        assert.ok(!JSON.stringify(findings).includes("hunter2"));
    });
    it("ignores near misses: short keys, keys naming where a secret lives, password policy settings, references", () => {
        assert.deepStrictEqual(
            findSecrets([
                "-----BEGIN PUBLIC KEY-----",
                "-----BEGIN  PRIVATE KEY-----",
                "AKIAABCDEFGHIJKLMNO",
                "DD_API_KEY=0123456789abcdef",
                "DD_API_KEY=0123456789abcdef0123456789abcdefXX",
                "IDENTIFIED BY '${PW}'",
                "IDENTIFIED BY ''",
                "password_file = /run/pw",
                "PASSWORD_PARAM=/webstack/db",
                "password_history = 5",
                "password_reuse_interval = 30",
                "password_require_current = ON",
                "validate_password.length = 12",
                "${password}=x",
                "$password=x",
                "--secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1a2b-AbCdEf",
            ]),
            [],
        );
        // The same key after anything but ":" is still a key.
        assert.deepStrictEqual(findSecrets(["x secretsmanager: hunter2"]), [{ kind: "password", detail: "a literal value for secretsmanager" }]);
    });
});
