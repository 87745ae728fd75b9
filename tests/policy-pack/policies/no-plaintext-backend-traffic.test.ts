import * as assert from "assert";
import { nginxPlaintextPorts, noPlaintextBackendTraffic as policy } from "../../../policy-pack/policies/no-plaintext-backend-traffic";
import { parseOverride } from "../../../config/overrides";
import { planStack } from "../../../plan/planStack";
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
        const appServing = (listens: string) =>
            instance(
                "app-0",
                renderUserData({ packages: ["nginx"], write_files: [{ path: "/etc/nginx/sites-available/site.conf", content: `server {\n    ${listens}\n}\n`, permissions: "0644" }], runcmd: [] }),
                { privateIp: "10.0.1.10" },
            );

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
        it("reads nginx listen directives as nginx does", () => {
            assert.deepStrictEqual(
                nginxPlaintextPorts("listen 80;\nlisten 0.0.0.0:8080 default_server;\nlisten [::]:81;\nlisten 443 ssl http2;\nlisten 127.0.0.1:8081;\nlisten [::1]:82;\nlisten unix:/run/x.sock;"),
                [80, 8080, 81],
            );
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
