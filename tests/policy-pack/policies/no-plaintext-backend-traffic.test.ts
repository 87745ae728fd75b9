import * as assert from "assert";
import { nginxPlaintextPorts, noPlaintextBackendTraffic as policy } from "../../../policy-pack/policies/no-plaintext-backend-traffic";
import { parseOverride } from "../../../config/overrides";
import { planStack } from "../../../plan/planStack";
import { Finding } from "../../../plan/evaluatePolicies";
import { check, cloudConfig, editFile, haproxyCfg, instance, renderUserData, resource, userDataFor } from "../fixtures";

const lbWith = (cfg: string) => instance("lb", renderUserData(editFile(cloudConfig({ haproxy: "tls" }), "/etc/haproxy/haproxy.cfg", () => cfg)));
const listener = (name: string, inputs: Record<string, unknown>) => resource("aws:lb/listener:Listener", name, { loadBalancerArn: "arn:lb", port: 443, ...inputs });
const targetGroup = (name: string, protocol: string) => resource("aws:lb/targetGroup:TargetGroup", name, { protocol, port: 8443 }, { arn: `arn:tg/${name}` });
const forwardTo = (arn: string) => [{ type: "forward", targetGroupArn: arn }];

describe("no-plaintext-backend-traffic", () => {
    describe("haproxy on EC2", () => {
        it("passes a TLS hop with `ssl verify required ca-file` (false-positive trap)", () => {
            assert.deepStrictEqual(check(policy, [lbWith(haproxyCfg("tls"))]), []);
        });
        it("flags a plaintext hop, naming the servers and webstack:backendHop", () => {
            const [f] = check(policy, [instance("lb", userDataFor({ haproxy: "plaintext" }))]);
            assert.strictEqual(f.resource, "lb");
            assert.match(f.message, /app\/app-0 \(app-0.webstack.internal:80\): no `ssl`/);
            assert.match(f.message, /set webstack:backendHop to "tls"/);
        });
        it("lists every unverified server in the detail and ends with the server-line fix", () => {
            const [f] = check(policy, [instance("lb", userDataFor({ haproxy: "plaintext" }))]);
            assert.match(f.message, /without verified TLS — app\/app-0 \(app-0\.webstack\.internal:80\): no `ssl`; app\/app-1 \(app-1\.webstack\.internal:80\): no `ssl`\. /);
            assert.ok(f.message.endsWith("add `ssl verify required ca-file <internal CA>` to each `server` line (or to `default-server`) in /etc/haproxy/haproxy.cfg."), f.message);
        });
        it("names every frontend that terminates TLS", () => {
            const cfg = haproxyCfg("plaintext").replace("\nbackend app\n", "\nfrontend admin-https\n    bind :8443 ssl crt /etc/haproxy/tls/admin.pem\n    default_backend app\n\nbackend app\n");
            const [f] = check(policy, [lbWith(cfg)]);
            assert.strictEqual(f.resource, "lb");
            assert.match(f.message, /^lb: haproxy terminates TLS on frontend www-https, admin-https but forwards/);
        });
        it("flags `ssl verify none` and ssl without verify", () => {
            const none = haproxyCfg("tls").replace(/verify required/g, "verify none");
            assert.match(check(policy, [lbWith(none)])[0].message, /`verify none`/);
            const noVerify = haproxyCfg("tls").replace(/ verify required/g, "");
            assert.match(check(policy, [lbWith(noVerify)])[0].message, /no `verify required`/);
        });
        it("accepts ssl verify required supplied by default-server in the backend or defaults", () => {
            const plain = haproxyCfg("plaintext");
            const inBackend = plain.replace("\nbackend app\n", "\nbackend app\n    default-server ssl verify required ca-file /etc/haproxy/tls/internal-ca.pem\n");
            assert.deepStrictEqual(check(policy, [lbWith(inBackend)]), []);
            const inDefaults = plain.replace("defaults\n", "defaults\n    default-server ssl verify required ca-file /etc/haproxy/tls/internal-ca.pem\n");
            assert.deepStrictEqual(check(policy, [lbWith(inDefaults)]), []);
        });
        it("accepts verify required from global ssl-default-server-options when servers use ssl", () => {
            const cfg = haproxyCfg("tls")
                .replace(/ verify required/g, "")
                .replace("global\n", "global\n    ssl-default-server-options ssl-min-ver TLSv1.2 verify required\n");
            assert.deepStrictEqual(check(policy, [lbWith(cfg)]), []);
        });
        it("ignores configs that do not terminate TLS, shell-script and unknown user data", () => {
            const noTls = haproxyCfg("plaintext").replace(" ssl crt /etc/haproxy/tls/www.pem alpn h2,http/1.1", "");
            assert.deepStrictEqual(check(policy, [lbWith(noTls)]), []);
            assert.deepStrictEqual(check(policy, [instance("lb", "#!/bin/bash\napt-get install -y haproxy\n"), instance("x", undefined)]), []);
        });
    });

    describe("AWS load balancer listeners", () => {
        it("passes HTTPS listener -> HTTPS target group, and TLS -> TLS (false-positive trap)", () => {
            const rs = [
                targetGroup("tg", "HTTPS"),
                listener("https", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") }),
                targetGroup("tls-tg", "TLS"),
                listener("tls", { protocol: "TLS", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: "arn:tg/tls-tg" }] } }] }),
            ];
            assert.deepStrictEqual(check(policy, rs), []);
        });
        it("flags HTTPS listener -> HTTP target group (by arn, also weighted forward)", () => {
            const rs = [
                targetGroup("tg", "HTTP"),
                listener("https", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") }),
                targetGroup("tcp-tg", "TCP"),
                listener("tls", { protocol: "TLS", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: "arn:tg/tcp-tg" }] } }] }),
            ];
            const findings = check(policy, rs);
            assert.deepStrictEqual(
                findings.map((f) => f.resource),
                ["https", "tls"],
            );
            assert.match(findings[0].message, /target group tg over HTTP.*`protocol`/);
        });
        it("passes an HTTP listener redirecting to HTTPS (false-positive trap), flags one that forwards", () => {
            const redirect = listener("http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
            assert.deepStrictEqual(check(policy, [redirect]), []);
            const forward = listener("http", { protocol: "HTTP", port: 80, defaultActions: forwardTo("arn:tg/x") });
            assert.match(check(policy, [forward])[0].message, /HTTP listener serves traffic in plaintext/);
            const alb = resource("aws:alb/listener:Listener", "alb-http", { protocol: "HTTP", defaultActions: forwardTo("arn:tg/x") });
            assert.strictEqual(check(policy, [alb]).length, 1);
        });
        it("names the listener's own protocol in the fix: TLS for a TLS listener, HTTPS for an HTTPS one", () => {
            const tls = check(policy, [targetGroup("tcp-tg", "TCP"), listener("tls", { protocol: "TLS", defaultActions: forwardTo("arn:tg/tcp-tg") })]);
            assert.deepStrictEqual(
                tls.map((f) => f.resource),
                ["tls"],
            );
            assert.match(tls[0].message, /^tls: TLS listener forwards to target group tcp-tg over TCP, so traffic to the targets is plaintext\./);
            assert.ok(tls[0].message.endsWith('otherwise set the target group\'s `protocol` to "TLS".'), tls[0].message);
            const https = check(policy, [targetGroup("tg", "HTTP"), listener("https", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") })]);
            assert.match(https[0].message, /^https: HTTPS listener forwards to target group tg over HTTP,/);
            assert.ok(https[0].message.endsWith('otherwise set the target group\'s `protocol` to "HTTPS".'), https[0].message);
        });
        it("reads protocols case-insensitively", () => {
            const [f, ...rest] = check(policy, [targetGroup("tg", "http"), listener("https", { protocol: "https", defaultActions: forwardTo("arn:tg/tg") })]);
            assert.deepStrictEqual(rest, []);
            assert.strictEqual(f.resource, "https");
            assert.match(f.message, /HTTPS listener forwards to target group tg over HTTP,/);
        });
        it("judges only forward actions: a fixed-response action with a leftover targetGroupArn is not a forward", () => {
            const fixed = { type: "fixed-response", targetGroupArn: "arn:tg/tg", fixedResponse: { contentType: "text/plain", statusCode: "503" } };
            assert.deepStrictEqual(check(policy, [targetGroup("tg", "HTTP"), listener("https", { protocol: "HTTPS", defaultActions: [fixed] })]), []);
            const forward = { ...fixed, type: "forward" };
            assert.deepStrictEqual(
                check(policy, [targetGroup("tg", "HTTP"), listener("https", { protocol: "HTTPS", defaultActions: [forward] })]).map((f) => f.resource),
                ["https"],
            );
        });
        it("skips actions and weighted entries unknown during preview and still judges the known ones", () => {
            const rs = [
                targetGroup("tg", "HTTP"),
                listener("https", { protocol: "HTTPS", defaultActions: [null, ...forwardTo("arn:tg/tg")] }),
                targetGroup("weighted-tg", "HTTP"),
                listener("weighted", { protocol: "HTTPS", defaultActions: [{ type: "forward", forward: { targetGroups: [null, { arn: "arn:tg/weighted-tg", weight: 1 }] } }] }),
                listener("unknown-actions", { protocol: "HTTPS" }),
            ];
            const findings = check(policy, rs);
            assert.deepStrictEqual(
                findings.map((f) => f.resource),
                ["https", "weighted"],
            );
            assert.match(findings[1].message, /target group weighted-tg over HTTP/);
        });
        it("flags only the plaintext group of a weighted forward, and ignores groups outside the stack", () => {
            const weighted = [{ type: "forward", forward: { targetGroups: [{ arn: "arn:external/tg" }, { arn: "arn:tg/blue" }, { arn: "arn:tg/green" }] } }];
            const findings = check(policy, [targetGroup("blue", "HTTPS"), targetGroup("green", "HTTP"), listener("https", { protocol: "HTTPS", defaultActions: weighted })]);
            assert.deepStrictEqual(
                findings.map((f) => f.resource),
                ["https"],
            );
            assert.match(findings[0].message, /target group green over HTTP/);
        });
        it("judges the first declared target group when two claim the same reference", () => {
            const shared = (name: string, protocol: string) => resource("aws:lb/targetGroup:TargetGroup", name, { protocol, port: 8443 }, { arn: "arn:tg/shared" });
            const https = listener("https", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/shared") });
            const findings = check(policy, [shared("plain", "HTTP"), shared("tls", "HTTPS"), https]);
            assert.deepStrictEqual(
                findings.map((f) => f.resource),
                ["https"],
            );
            assert.match(findings[0].message, /target group plain over HTTP/);
            assert.deepStrictEqual(check(policy, [shared("tls", "HTTPS"), shared("plain", "HTTP"), https]), []);
        });
        it("names the redirect fix for an HTTP listener", () => {
            const [f] = check(policy, [listener("http", { protocol: "HTTP", port: 80, defaultActions: forwardTo("arn:tg/x") })]);
            assert.strictEqual(f.resource, "http");
            assert.ok(f.message.endsWith('Set its `defaultActions` to [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }].'), f.message);
        });
        it("passes an HTTP listener redirecting to lowercase https, and one whose redirect follows an action unknown during preview", () => {
            const lower = listener("http", { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "https", port: "443", statusCode: "HTTP_301" } }] });
            assert.deepStrictEqual(check(policy, [lower]), []);
            const afterUnknown = listener("http", { protocol: "HTTP", port: 80, defaultActions: [null, { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
            assert.deepStrictEqual(check(policy, [afterUnknown]), []);
        });
        it("flags an HTTP listener whose redirect stays on HTTP or keeps the protocol, or whose non-redirect action carries a redirect block", () => {
            const http = (name: string, action: Record<string, unknown>) => listener(name, { protocol: "HTTP", port: 80, defaultActions: [action] });
            const rs = [
                http("to-http", { type: "redirect", redirect: { protocol: "HTTP", port: "8080", statusCode: "HTTP_301" } }),
                http("keeps-protocol", { type: "redirect", redirect: { port: "8080", statusCode: "HTTP_302" } }),
                http("forward", { type: "forward", targetGroupArn: "arn:tg/x", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }),
            ];
            const findings = check(policy, rs);
            assert.deepStrictEqual(
                findings.map((f) => f.resource),
                ["to-http", "keeps-protocol", "forward"],
            );
            for (const f of findings) {
                assert.match(f.message, /HTTP listener serves traffic in plaintext instead of redirecting to HTTPS/);
            }
        });
        it("does not judge TCP or UDP listeners (NLB): they neither terminate TLS nor serve HTTP", () => {
            const rs = [
                targetGroup("ssh-tg", "TCP"),
                listener("ssh", { protocol: "TCP", port: 22, defaultActions: forwardTo("arn:tg/ssh-tg") }),
                targetGroup("dns-tg", "UDP"),
                listener("dns", { protocol: "UDP", port: 53, defaultActions: forwardTo("arn:tg/dns-tg") }),
            ];
            assert.deepStrictEqual(check(policy, rs), []);
        });
        it("does not guess when protocols, actions or target groups are unknown", () => {
            const rs = [
                listener("a", { protocol: "HTTPS", defaultActions: forwardTo("arn:unknown") }),
                listener("b", { protocol: "HTTP" }),
                listener("c", {}),
                resource("aws:lb/targetGroup:TargetGroup", "tg", {}, { arn: "arn:tg/tg" }),
                listener("d", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") }),
            ];
            assert.deepStrictEqual(check(policy, rs), []);
        });
    });
    describe("a backend HAProxy verifies that still serves plaintext", () => {
        const verifiedLb = lbWith(haproxyCfg("tls").replace(/server (app-(\d+)) \S+:(\d+)/g, (_m, name, i, port) => `server ${name} 10.0.1.${10 + Number(i)}:${port}`));
        const appServing = (listens: string, { path = "/etc/nginx/sites-available/site.conf", privateIp = "10.0.1.10", name = "app-0" } = {}) =>
            instance(name, renderUserData({ packages: ["nginx"], write_files: [{ path, content: `server {\n    ${listens}\n}\n`, permissions: "0644" }], runcmd: [] }), { privateIp });
        const leftovers = (findings: Finding[]) => findings.filter((f) => /still serves plaintext/.test(f.message));

        it("flags nginx listening on plaintext beside TLS on a server HAProxy reaches over verified TLS, naming the fix", () => {
            const findings = check(policy, [verifiedLb, appServing("listen 80;\n    listen 443 ssl;")]);
            assert.strictEqual(findings.length, 1);
            assert.strictEqual(findings[0].resource, "app-0");
            assert.match(findings[0].message, /still serves plaintext on port 80/);
            assert.match(findings[0].message, /remove webstack:backendHopMigration/);
        });
        it("passes the correct twin: TLS only, or plaintext on loopback (stub_status)", () => {
            assert.deepStrictEqual(check(policy, [verifiedLb, appServing("listen 443 ssl;\n    listen 127.0.0.1:8081;")]), []);
        });
        it("names the backend, the file and every plaintext port, and ends with the listen fix", () => {
            const [f, ...rest] = check(policy, [verifiedLb, appServing("listen 80;\n    listen 8080;\n    listen 443 ssl;")]);
            assert.deepStrictEqual(rest, []);
            assert.match(
                f.message,
                /^app-0: HAProxy reaches this backend \(10\.0\.1\.10\) over verified TLS, yet nginx \(\/etc\/nginx\/sites-available\/site\.conf\) still serves plaintext on port 80, 8080, /,
            );
            assert.ok(f.message.endsWith("the dial-new stage; otherwise drop the plaintext `listen` from /etc/nginx/sites-available/site.conf."), f.message);
        });
        it("counts only backends HAProxy reaches with both ssl and verify required", () => {
            const unverified = lbWith(
                haproxyCfg("tls")
                    .replace(/server (app-(\d+)) \S+:(\d+)/g, (_m, name, i, port) => `server ${name} 10.0.1.${10 + Number(i)}:${port}`)
                    .replace(/verify required/g, "verify none"),
            );
            const findings = check(policy, [unverified, appServing("listen 80;\n    listen 443 ssl;")]);
            assert.deepStrictEqual(
                findings.map((f) => f.resource),
                ["lb"],
                "the unverified hop is the finding, not the leftover port",
            );
            assert.match(findings[0].message, /`verify none`/);
        });
        it("judges only servers whose private IP is a verified backend", () => {
            const other = appServing("listen 80;", { name: "app-9", privateIp: "10.0.1.99" });
            assert.deepStrictEqual(check(policy, [verifiedLb, other]), []);
            assert.deepStrictEqual(
                leftovers(check(policy, [verifiedLb, other, appServing("listen 80;")])).map((f) => f.resource),
                ["app-0"],
            );
        });
        it("reads nginx configuration only under /etc/nginx/", () => {
            assert.deepStrictEqual(check(policy, [verifiedLb, appServing("listen 80;", { path: "/usr/share/doc/webstack/nginx-example.conf" })]), []);
            assert.deepStrictEqual(check(policy, [verifiedLb, appServing("listen 80;", { path: "/etc/nginx.orig/sites-available/site.conf" })]), []);
            assert.strictEqual(leftovers(check(policy, [verifiedLb, appServing("listen 80;", { path: "/etc/nginx/conf.d/site.conf" })])).length, 1);
        });
        it("reads nginx listen directives as nginx does", () => {
            assert.deepStrictEqual(
                nginxPlaintextPorts("listen 80;\nlisten 0.0.0.0:8080 default_server;\nlisten [::]:81;\nlisten 443 ssl http2;\nlisten 127.0.0.1:8081;\nlisten [::1]:82;\nlisten unix:/run/x.sock;"),
                [80, 8080, 81],
            );
        });
        it("skips QUIC listeners and reads loopback only as a leading address", () => {
            assert.deepStrictEqual(nginxPlaintextPorts("listen 443 quic reuseport;\nlisten [::]:443 quic;"), []);
            // An address without a port is nginx's port 80.
            assert.deepStrictEqual(nginxPlaintextPorts("listen 10.0.1.10;\nlisten *;\nlisten [::];\nlisten app-0.webstack.internal default_server;\nlisten 10.0.1.10 ssl;"), [80, 80, 80, 80]);
            assert.deepStrictEqual(nginxPlaintextPorts("listen 10.127.0.1:8080;\nlisten 10.0.1.10:8081;\nlisten localhost:8082;"), [8080, 8081]);
        });
        it("reads listen directives only at the start of a line, after any indentation", () => {
            assert.deepStrictEqual(nginxPlaintextPorts("# listen 8000;\n#listen 8001;\n    # listen 8002;"), []);
            assert.deepStrictEqual(nginxPlaintextPorts("server {\n\tlisten\t8000;\n        listen 8001 default_server;\n}"), [8000, 8001]);
        });
        it("on the program: dev's switch to tls is flagged in its dial-new stage only, and never once it is done", async function () {
            this.timeout(120000);
            const leftovers = async (migration?: string) => {
                const overrides = ["webstack:backendHop=tls", ...(migration ? [`webstack:backendHopMigration=${migration}`] : [])].map(parseOverride);
                const { findings } = (await planStack("dev", { configOverrides: overrides })).document;
                return findings
                    .filter((f) => f.policy === "no-plaintext-backend-traffic" && /still serves plaintext/.test(f.message))
                    .map((f) => f.resource)
                    .sort();
            };
            assert.deepStrictEqual(await leftovers("serve-both"), [], "HAProxy still dials plaintext: the hop finding covers it");
            assert.deepStrictEqual(await leftovers("dial-new"), ["webstack-app-0", "webstack-app-1"]);
            assert.deepStrictEqual(await leftovers(), []);
        });
    });
});
