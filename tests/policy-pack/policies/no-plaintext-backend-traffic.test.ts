import * as assert from "assert";
import { noPlaintextBackendTraffic as policy } from "../../../policy-pack/policies/no-plaintext-backend-traffic";
import { check, cloudConfig, editFile, haproxyCfg, instance, renderUserData, resource, userDataFor } from "../fixtures";

const lbWith = (cfg: string) => instance("lb", renderUserData(editFile(cloudConfig({ haproxy: "tls" }), "/etc/haproxy/haproxy.cfg", () => cfg)));
const listener = (name: string, inputs: Record<string, any>) => resource("aws:lb/listener:Listener", name, { loadBalancerArn: "arn:lb", port: 443, ...inputs });
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
            const cfg = haproxyCfg("tls").replace(/ verify required/g, "").replace("global\n", "global\n    ssl-default-server-options ssl-min-ver TLSv1.2 verify required\n");
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
            const rs = [targetGroup("tg", "HTTPS"), listener("https", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") }),
                targetGroup("tls-tg", "TLS"), listener("tls", { protocol: "TLS", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: "arn:tg/tls-tg" }] } }] })];
            assert.deepStrictEqual(check(policy, rs), []);
        });
        it("flags HTTPS listener -> HTTP target group (by arn, also weighted forward)", () => {
            const rs = [targetGroup("tg", "HTTP"), listener("https", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") }),
                targetGroup("tcp-tg", "TCP"), listener("tls", { protocol: "TLS", defaultActions: [{ type: "forward", forward: { targetGroups: [{ arn: "arn:tg/tcp-tg" }] } }] })];
            const findings = check(policy, rs);
            assert.deepStrictEqual(findings.map(f => f.resource), ["https", "tls"]);
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
            const rs = [listener("a", { protocol: "HTTPS", defaultActions: forwardTo("arn:unknown") }), listener("b", { protocol: "HTTP" }),
                listener("c", {}), resource("aws:lb/targetGroup:TargetGroup", "tg", {}, { arn: "arn:tg/tg" }), listener("d", { protocol: "HTTPS", defaultActions: forwardTo("arn:tg/tg") })];
            assert.deepStrictEqual(check(policy, rs), []);
        });
    });
});
