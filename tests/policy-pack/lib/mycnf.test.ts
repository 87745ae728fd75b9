import * as assert from "assert";
import { hasServerSection, isReadOnly, isTruthyOption, parseMyCnf } from "../../../policy-pack/lib/mycnf";
import { mysqlCnf } from "../fixtures";

describe("lib/mycnf", () => {
    it("tells primaries from replicas (mysql and mariadb)", () => {
        assert.strictEqual(isReadOnly([parseMyCnf(mysqlCnf("primary"))]), false);
        assert.strictEqual(isReadOnly([parseMyCnf(mysqlCnf("replica"))]), true);
        assert.strictEqual(isReadOnly([parseMyCnf(mysqlCnf("replica", "mariadb"))]), true);
    });
    it("handles bare options, dashes, quotes, comments and later files overriding earlier ones", () => {
        assert.strictEqual(isReadOnly([parseMyCnf("[mysqld]\nread-only\n")]), true);
        assert.strictEqual(isReadOnly([parseMyCnf('[mysqld]\nsuper-read-only = "1" # replica\n')]), true);
        assert.strictEqual(isReadOnly([parseMyCnf("[mysqld]\nread_only = ON\n"), parseMyCnf("[mysqld]\nread_only = OFF\n")]), false);
        assert.strictEqual(isReadOnly([parseMyCnf("[client]\nread_only = ON\n")]), false);
        assert.strictEqual(hasServerSection(parseMyCnf("[client]\nuser = app\n")), false);
        assert.strictEqual(hasServerSection(parseMyCnf("[mariadb]\nserver_id = 1\n")), true);
    });
    it("parses exactly: skips comments, directives and options before a section; trims headers, values and trailing comments; strips matching quotes only", () => {
        const text = [
            "read_only = 1",
            "!includedir /etc/mysql/conf.d/",
            "  [ MySQLd ]  ",
            "# read_only = 1",
            "; read_only = 1",
            "",
            "  bind-address = 0.0.0.0  # all  ",
            "loose-read-only = 1",
            "no_loose_end = 2",
            "optimizer = [x]",
            'quoted = "ab"',
            "single = 'ab'",
            'inner = x"a"',
            'tail = "a"x',
            "=bare",
        ].join("\n");
        assert.deepStrictEqual(parseMyCnf(text), {
            sections: {
                mysqld: {
                    bind_address: "0.0.0.0",
                    read_only: "1",
                    no_loose_end: "2",
                    optimizer: "[x]",
                    quoted: "ab",
                    single: "ab",
                    inner: 'x"a"',
                    tail: '"a"x',
                    "": "bare",
                },
            },
        });
    });
    it("knows the server's own sections by exact name", () => {
        for (const s of ["mysqld", "mariadb", "server", "mysqld-8.0", "mysqld-8", "mariadb-10.6", "mariadbd", "galera"]) {
            assert.strictEqual(hasServerSection(parseMyCnf(`[client]\n[${s}]\n`)), true, s);
        }
        for (const s of ["mysqld_safe", "client-mariadb", "mysqld-x", "mariadb-10.6-extra", "client"]) {
            assert.strictEqual(hasServerSection(parseMyCnf(`[${s}]\n`)), false, s);
        }
    });
    it("reads only on/1/true/yes as enabled", () => {
        for (const v of ["on", "ON", "1", "true", "Yes", " on "]) {
            assert.strictEqual(isTruthyOption(v), true, v);
        }
        for (const v of ["10", "01", "off", "0", "non", "yes!", undefined]) {
            assert.strictEqual(isTruthyOption(v), false, String(v));
        }
    });
});
