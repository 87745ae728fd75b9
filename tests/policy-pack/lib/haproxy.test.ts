import * as assert from "assert";
import { parseHaproxyConfig, serverTlsSettings, tlsFrontends, tokenizeHaproxyLine } from "../../../policy-pack/lib/haproxy";
import { haproxyCfg } from "../fixtures";

describe("lib/haproxy", () => {
    it("tokenises quotes, escapes and comments", () => {
        assert.deepStrictEqual(tokenizeHaproxyLine('  http-response set-header X "a b; c" # note'), ["http-response", "set-header", "X", "a b; c"]);
        assert.deepStrictEqual(tokenizeHaproxyLine("acl x path_beg /a\\ b"), ["acl", "x", "path_beg", "/a b"]);
    });
    it("finds TLS-terminating frontends and per-server TLS settings with defaults inheritance", () => {
        const cfg = parseHaproxyConfig(haproxyCfg("tls"));
        assert.deepStrictEqual(tlsFrontends(cfg).map(f => f.name), ["www-https"]);
        assert.deepStrictEqual(serverTlsSettings(cfg).map(s => [s.server, s.ssl, s.verify]), [["app-0", true, "required"], ["app-1", true, "required"]]);
        const overridden = parseHaproxyConfig(haproxyCfg("tls").replace("global\n", "global\n    ssl-server-verify none\n").replace(/ verify required/g, ""));
        assert.deepStrictEqual(serverTlsSettings(overridden).map(s => s.verify), ["none", "none"]);
        const noSsl = parseHaproxyConfig(haproxyCfg("tls").replace("defaults\n", "defaults\n    default-server ssl verify required\n").replace("check ssl", "check no-ssl"));
        assert.deepStrictEqual(serverTlsSettings(noSsl).map(s => s.ssl), [false, true]);
    });
});
