import * as assert from "assert";
import { haproxyHttpsProblems, httpsOnlyFrontend as policy, isModernElbPolicy } from "../../../policy-pack/policies/https-only-frontend";
import { check, cloudConfig, editFile, haproxyCfg, instance, renderUserData, resource } from "../fixtures";

const lbWith = (cfg: string) => instance("lb", renderUserData(editFile(cloudConfig({ haproxy: "tls" }), "/etc/haproxy/haproxy.cfg", () => cfg)));
const listener = (sslPolicy?: string, protocol = "HTTPS") => resource("aws:lb/listener:Listener", "https", { protocol, port: 443, ...(sslPolicy ? { sslPolicy } : {}) });

describe("https-only-frontend", () => {
    it("passes the rendered haproxy.cfg (min TLS 1.2 from ssl-default-bind-options, redirect, HSTS)", () => {
        assert.deepStrictEqual(check(policy, [lbWith(haproxyCfg("tls")), lbWith(haproxyCfg("plaintext"))]), []);
    });
    it("accepts ssl-min-ver on the bind line instead of global", () => {
        const cfg = haproxyCfg().replace("    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets\n", "").replace("alpn h2,http/1.1", "alpn h2,http/1.1 ssl-min-ver TLSv1.3");
        assert.deepStrictEqual(check(policy, [lbWith(cfg)]), []);
    });
    it("flags a missing or too-low minimum TLS version", () => {
        const none = haproxyCfg().replace("ssl-min-ver TLSv1.2 ", "");
        assert.match(check(policy, [lbWith(none)])[0].message, /without `ssl-min-ver TLSv1.2`/);
        const low = haproxyCfg().replace("TLSv1.2", "TLSv1.0");
        assert.strictEqual(check(policy, [lbWith(low)]).length, 1);
    });
    it("flags an HTTP frontend that does not redirect to https; `redirect scheme https` also counts", () => {
        const noRedirect = haproxyCfg().replace("    http-request redirect scheme https code 301\n", "    default_backend app\n");
        assert.match(check(policy, [lbWith(noRedirect)])[0].message, /frontend www-http accepts plain HTTP on :80/);
        const legacy = haproxyCfg().replace("http-request redirect scheme https code 301", "redirect scheme https code 301 if !{ ssl_fc }");
        assert.deepStrictEqual(check(policy, [lbWith(legacy)]), []);
    });
    it("ignores loopback-only plain HTTP frontends such as the stats page", () => {
        const stats = haproxyCfg() + "frontend stats\n    bind 127.0.0.1:8404\n    stats enable\n    stats uri /stats\n";
        assert.deepStrictEqual(check(policy, [lbWith(stats)]), []);
        assert.strictEqual(check(policy, [lbWith(stats.replace("127.0.0.1:8404", ":8404"))]).length, 1);
    });
    it("flags missing or short HSTS, with a configurable minimum", () => {
        const noHsts = haproxyCfg().replace(/ {4}http-response set-header Strict-Transport-Security.*\n/, "");
        assert.match(check(policy, [lbWith(noHsts)])[0].message, /HSTS/);
        const short = haproxyCfg().replace("max-age=63072000", "max-age=86400");
        assert.match(check(policy, [lbWith(short)])[0].message, /max-age=86400 is below the minimum 15552000/);
        assert.deepStrictEqual(check(policy, [lbWith(short)], { "https-only-frontend": { minHstsMaxAgeSeconds: 3600 } }), []);
    });
    it("checks ELB listener ssl policies: TLS 1.2+ passes, 2016-08 and TLS 1.0/1.1 fail, absent uses AWS's modern default", () => {
        for (const ok of ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10"]) {
            assert.deepStrictEqual(check(policy, [listener(ok)]), [], ok);
        }
        for (const bad of ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS13-1-0-2021-06", "ELBSecurityPolicy-TLS-1-0-2015-04"]) {
            assert.match(check(policy, [listener(bad)])[0].message, /sslPolicy/, bad);
        }
        assert.deepStrictEqual(check(policy, [listener(undefined), listener("ELBSecurityPolicy-2016-08", "HTTP")]), []);
    });
    it("ignores servers without haproxy and unknown user data", () => {
        assert.deepStrictEqual(check(policy, [instance("a", undefined), instance("b", "#!/bin/sh\necho hi\n")]), []);
    });
    describe("haproxyHttpsProblems, exactly", () => {
        const MIN = 15552000;
        const base = (over: { global?: string; http?: string; https?: string; extra?: string } = {}) =>
            [
                "global",
                over.global ?? "    ssl-default-bind-options ssl-min-ver TLSv1.2",
                "defaults",
                "    mode http",
                "frontend www-http",
                over.http ?? "    bind :80\n    http-request redirect scheme https code 301",
                "frontend www-https",
                over.https ?? '    bind :443 ssl crt /x.pem\n    http-response set-header Strict-Transport-Security "max-age=63072000"',
                over.extra ?? "",
            ].join("\n");
        const hsts = (line: string) => `    bind :443 ssl crt /x.pem\n${line}`;
        const cases: [string, string, string[]][] = [
            ["the baseline", base(), []],
            ["force-tlsv12 on the bind", base({ global: "", https: '    bind :443 ssl crt /x.pem force-tlsv12\n    http-response set-header Strict-Transport-Security "max-age=63072000"' }), []],
            ["force-tlsv13 on the bind", base({ global: "", https: '    bind :443 ssl crt /x.pem force-tlsv13\n    http-response set-header Strict-Transport-Security "max-age=63072000"' }), []],
            [
                "a plain bind beside the TLS bind is not held to ssl-min-ver",
                base({
                    global: "",
                    https: '    bind :443 ssl crt /x.pem ssl-min-ver TLSv1.3\n    bind :8080\n    http-request redirect scheme https\n    http-response set-header Strict-Transport-Security "max-age=63072000"',
                }),
                [],
            ],
            [
                "loopback and socket binds",
                base({ http: "    bind 127.0.0.1:8404\n    bind [::1]:8404\n    bind ::1:8405\n    bind localhost:1\n    bind unix@/run/s\n    bind /run/t\n    bind abns@x" }),
                [],
            ],
            ["an address merely containing 127.", base({ http: "    bind 10.127.0.1:80" }), ["frontend www-http accepts plain HTTP on 10.127.0.1:80 without `http-request redirect scheme https`"]],
            [
                "a redirect that is not to the https scheme",
                base({
                    http: "    bind :80\n    http-request redirect location https://x\n    http-request x y https\n    foo scheme https\n    redirect x https\n    http-request redirect scheme http",
                }),
                ["frontend www-http accepts plain HTTP on :80 without `http-request redirect scheme https`"],
            ],
            ["a tcp-mode plain frontend, and binds in a backend, need no redirect", base({ http: "    mode tcp\n    bind :25", extra: "backend b\n    bind :8080" }), []],
            ["a plain listen section in http mode does", base({ extra: "listen l\n    bind :8081" }), ["frontend l accepts plain HTTP on :8081 without `http-request redirect scheme https`"]],
            [
                "HSTS via add-header, any case, the largest max-age counting",
                base({ https: hsts("    http-response add-header strict-transport-security max-age=100\n    http-response set-header Strict-Transport-Security max-age=15552000") }),
                [],
            ],
            ["HSTS exactly at the minimum", base({ https: hsts(`    http-response set-header Strict-Transport-Security max-age=${MIN}`) }), []],
            ["HSTS below the minimum", base({ https: hsts("    http-response set-header Strict-Transport-Security max-age=100") }), ["HSTS max-age=100 is below the minimum 15552000"]],
            [
                "lookalikes that are not HSTS",
                base({
                    https: hsts(
                        "    http-request set-header Strict-Transport-Security max-age=99999999\n    http-response del-header Strict-Transport-Security max-age=99999999\n    http-response set-header X-Other max-age=99999999\n    http-response set-header Strict-Transport-Security preload",
                    ),
                }),
                ['no `http-response set-header Strict-Transport-Security "max-age=15552000"` (HSTS) is set'],
            ],
            ["a tcp-mode TLS frontend needs no HSTS", base({ https: "    mode tcp\n    bind :443 ssl crt /x.pem" }), []],
            [
                "one http-mode TLS frontend among tcp ones does",
                base({ https: "    mode tcp\n    bind :443 ssl crt /x.pem", extra: "frontend h2\n    bind :8443 ssl crt /y.pem" }),
                ['no `http-response set-header Strict-Transport-Security "max-age=15552000"` (HSTS) is set'],
            ],
        ];
        for (const [name, cfg, expected] of cases) {
            it(name, () => assert.deepStrictEqual(haproxyHttpsProblems(cfg, MIN), expected));
        }
    });
    it("modern ELB policies are the 1-2 and 1-3 families only", () => {
        assert.deepStrictEqual(
            [
                "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "ELBSecurityPolicy-TLS-1-2-2017-01",
                "1-2",
                "ELBSecurityPolicy-TLS13-1-3-2021-06",
                "ELBSecurityPolicy-2016-08",
                "ELBSecurityPolicy-TLS-1-1-2017-01",
                "x11-2",
                "ELBSecurityPolicy-TLS-1-21",
            ].map(isModernElbPolicy),
            [true, true, true, true, false, false, false, false],
        );
    });
});
