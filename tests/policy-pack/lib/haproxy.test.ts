import * as assert from "assert";
import { bindTerminatesTls, directives, parseHaproxyConfig, proxyMode, serverTlsSettings, tlsFrontends, tokenizeHaproxyLine } from "../../../policy-pack/lib/haproxy";
import { haproxyCfg } from "../fixtures";

describe("lib/haproxy", () => {
    it("tokenises quotes, escapes and comments", () => {
        assert.deepStrictEqual(tokenizeHaproxyLine('  http-response set-header X "a b; c" # note'), ["http-response", "set-header", "X", "a b; c"]);
        assert.deepStrictEqual(tokenizeHaproxyLine("acl x path_beg /a\\ b"), ["acl", "x", "path_beg", "/a b"]);
    });
    it("finds TLS-terminating frontends and per-server TLS settings with defaults inheritance", () => {
        const cfg = parseHaproxyConfig(haproxyCfg("tls"));
        assert.deepStrictEqual(
            tlsFrontends(cfg).map((f) => f.name),
            ["www-https"],
        );
        assert.deepStrictEqual(
            serverTlsSettings(cfg).map((s) => [s.server, s.ssl, s.verify]),
            [
                ["app-0", true, "required"],
                ["app-1", true, "required"],
            ],
        );
        const overridden = parseHaproxyConfig(
            haproxyCfg("tls")
                .replace("global\n", "global\n    ssl-server-verify none\n")
                .replace(/ verify required/g, ""),
        );
        assert.deepStrictEqual(
            serverTlsSettings(overridden).map((s) => s.verify),
            ["none", "none"],
        );
        const noSsl = parseHaproxyConfig(haproxyCfg("tls").replace("defaults\n", "defaults\n    default-server ssl verify required\n").replace("check ssl", "check no-ssl"));
        assert.deepStrictEqual(
            serverTlsSettings(noSsl).map((s) => s.ssl),
            [false, true],
        );
    });
    it("tokenises escapes inside double quotes only, keeps a trailing backslash (quoted or not), and single quotes literally", () => {
        assert.deepStrictEqual(tokenizeHaproxyLine('x "a\\"b" \'c\\d\''), ["x", 'a"b', "c\\d"]);
        assert.deepStrictEqual(tokenizeHaproxyLine('x "ab\\'), ["x", "ab\\"]);
        assert.deepStrictEqual(tokenizeHaproxyLine("x ab\\"), ["x", "ab\\"]);
        assert.deepStrictEqual(tokenizeHaproxyLine('x ""'), ["x", ""]);
        assert.deepStrictEqual(tokenizeHaproxyLine("\ta\t\tb"), ["a", "b"]);
        assert.deepStrictEqual(tokenizeHaproxyLine("# all comment"), []);
    });
    it("parses sections: every keyword, lines before any section dropped, defaults only for proxies, the last defaults in force", () => {
        const cfg = parseHaproxyConfig(
            [
                "stray line",
                "global",
                "    maxconn 10",
                "defaults first",
                "    mode tcp",
                "frontend f1",
                "defaults second",
                "    mode http",
                "listen l1",
                "    bind :443 crt /x.pem ssl",
                "resolvers dns",
                "    nameserver a 1.1.1.1:53",
                ...["peers", "userlist", "program", "http-errors", "ring", "mailers", "cache"].map((k) => `${k} x`),
                "backend",
            ].join("\n"),
        );
        assert.deepStrictEqual(
            cfg.sections.map((x) => [x.kind, x.name, x.lines.length, x.defaults?.name ?? null]),
            [
                ["global", "", 1, null],
                ["defaults", "first", 1, null],
                ["frontend", "f1", 0, "first"],
                ["defaults", "second", 1, null],
                ["listen", "l1", 1, "second"],
                ["other", "dns", 1, null],
                ["other", "x", 0, null],
                ["other", "x", 0, null],
                ["other", "x", 0, null],
                ["other", "x", 0, null],
                ["other", "x", 0, null],
                ["other", "x", 0, null],
                ["other", "x", 0, null],
                ["backend", "", 0, "second"],
            ],
        );
        assert.strictEqual(cfg.global, cfg.sections[0]);
        assert.deepStrictEqual(
            tlsFrontends(cfg).map((x) => x.name),
            ["l1"],
        );
        assert.deepStrictEqual(directives(cfg.sections[0], "maxconn", "10"), [["maxconn", "10"]]);
        assert.deepStrictEqual(directives(cfg.sections[0], "maxconn", "11"), []);
        assert.deepStrictEqual(directives(undefined, "mode"), []);
    });
    it("a bind terminates TLS only with ssl and a certificate; mode comes from the section, then its defaults, else tcp", () => {
        assert.deepStrictEqual(
            [
                ["bind", ":443", "ssl", "crt", "/x"],
                ["bind", ":443", "ssl", "crt-list", "/l"],
                ["bind", ":443", "ssl"],
                ["bind", ":443", "crt", "/x"],
            ].map(bindTerminatesTls),
            [true, true, false, false],
        );
        const cfg = parseHaproxyConfig("defaults\n    mode http\n    mode tcp\nfrontend a\nfrontend b\n    mode tcp\n    mode http\nfrontend c\n    mode\n");
        assert.deepStrictEqual(cfg.sections.slice(1).map(proxyMode), ["tcp", "http", "tcp"]);
        const noDefaults = parseHaproxyConfig("frontend a\nbackend b\n    mode http\n");
        assert.deepStrictEqual(noDefaults.sections.map(proxyMode), ["tcp", "http"]);
        const bareDefaults = parseHaproxyConfig("defaults\n    mode\nfrontend a\n");
        assert.strictEqual(proxyMode(bareDefaults.sections[1]), "tcp");
    });
    it("server settings: global options, then defaults, then the proxy's default-server, then the line; listen sections count, frontends do not", () => {
        const cfg = parseHaproxyConfig(
            [
                "global",
                "    ssl-default-server-options ssl verify none",
                "defaults",
                "    default-server verify required",
                "frontend f",
                "    server nope 10.0.0.9:80",
                "listen l",
                "    default-server no-ssl",
                "    server s1 10.0.0.1:443 ssl",
                "    server s2 10.0.0.2:443",
                "    server s3 10.0.0.3:443 verify none ssl",
                "backend b",
                "    server s4",
            ].join("\n"),
        );
        assert.deepStrictEqual(serverTlsSettings(cfg), [
            { backend: "l", server: "s1", address: "10.0.0.1:443", ssl: true, verify: "required" },
            { backend: "l", server: "s2", address: "10.0.0.2:443", ssl: false, verify: "required" },
            { backend: "l", server: "s3", address: "10.0.0.3:443", ssl: true, verify: "none" },
            { backend: "b", server: "s4", address: "", ssl: true, verify: "required" },
        ]);
    });
});
