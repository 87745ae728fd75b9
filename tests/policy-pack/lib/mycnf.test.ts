import * as assert from "assert";
import { hasServerSection, isReadOnly, parseMyCnf } from "../../../policy-pack/lib/mycnf";
import { mysqlCnf } from "../fixtures";

describe("lib/mycnf", () => {
    it("tells primaries from replicas (mysql and mariadb)", () => {
        assert.strictEqual(isReadOnly([parseMyCnf(mysqlCnf("primary"))]), false);
        assert.strictEqual(isReadOnly([parseMyCnf(mysqlCnf("replica"))]), true);
        assert.strictEqual(isReadOnly([parseMyCnf(mysqlCnf("replica", "mariadb"))]), true);
    });
    it("handles bare options, dashes, quotes, comments and later files overriding earlier ones", () => {
        assert.strictEqual(isReadOnly([parseMyCnf("[mysqld]\nread-only\n")]), true);
        assert.strictEqual(isReadOnly([parseMyCnf("[mysqld]\nsuper-read-only = \"1\" # replica\n")]), true);
        assert.strictEqual(isReadOnly([parseMyCnf("[mysqld]\nread_only = ON\n"), parseMyCnf("[mysqld]\nread_only = OFF\n")]), false);
        assert.strictEqual(isReadOnly([parseMyCnf("[client]\nread_only = ON\n")]), false);
        assert.strictEqual(hasServerSection(parseMyCnf("[client]\nuser = app\n")), false);
        assert.strictEqual(hasServerSection(parseMyCnf("[mariadb]\nserver_id = 1\n")), true);
    });
});
