import * as assert from "assert";
import { findSecrets, isLiteralValue } from "../../../policy-pack/lib/secrets";
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
        assert.deepStrictEqual(findSecrets(["validate_password.policy = STRONG", "[ $PASSWORD = foo ]", "PASSWORD_FILE=/run/pw", "conn = pymysql.connect(password=read_password(), user=os.environ[\"U\"])", "password=os.environ[\"PW\"]"]), []);
    });
    it("finds literal secrets", () => {
        assert.deepStrictEqual(findSecrets(["mysql --password=hunter2 -e 'select 1'"]).map(f => f.kind), ["password"]);
        assert.deepStrictEqual(findSecrets(["CHANGE REPLICATION SOURCE TO SOURCE_PASSWORD='abc123xyz'"]).map(f => f.detail), ["a literal value for SOURCE_PASSWORD"]);
    });
});
