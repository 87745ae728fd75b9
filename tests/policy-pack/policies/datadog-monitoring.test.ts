import * as assert from "assert";
import { validatePolicyConfig } from "../../../plan/evaluatePolicies";
import { datadogMonitoring as policy, installsDatadogAgent } from "../../../policy-pack/policies/datadog-monitoring";
import { parseUserDataText } from "../../../policy-pack/lib/userData";
import { check, cloudConfig, instance, renderUserData, requestRateMonitor, resource, userDataFor } from "../fixtures";

const monitor = (query: string | undefined) => resource("datadog:index/monitor:Monitor", "m", query === undefined ? {} : { query, type: "metric alert" });

describe("datadog-monitoring", () => {
    it("passes servers installing the agent plus a request-rate monitor", () => {
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ web: true })), requestRateMonitor()]), []);
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ web: true })), monitor("avg(last_5m):avg:nginx.net.request_per_s{*} > 100")]), []);
    });
    it("flags a server that does not install the agent", () => {
        const findings = check(policy, [instance("a", userDataFor({ web: true, datadog: false })), requestRateMonitor()]);
        assert.deepStrictEqual(
            findings.map((f) => f.resource),
            ["a"],
        );
        assert.match(findings[0].message, /install_script_agent7/);
    });
    it("flags a stack without a request-rate monitor; the metric list is configurable", () => {
        const rs = [instance("a", userDataFor({ web: true })), monitor("avg(last_5m):avg:system.cpu.user{*} > 90")];
        const [f] = check(policy, rs);
        assert.strictEqual(f.resource, null);
        assert.match(f.message, /request-rate metric/);
        assert.deepStrictEqual(check(policy, rs, { "datadog-monitoring": { requestRateMetricPrefixes: ["system.cpu"] } }), []);
    });
    it("does not apply without EC2 instances, nor guess about unknown monitor queries or user data", () => {
        assert.deepStrictEqual(check(policy, [monitor("avg(last_5m):avg:system.cpu.user{*} > 90")]), []);
        assert.deepStrictEqual(check(policy, [instance("a", undefined), monitor(undefined)]), []);
    });
    it("accepts a shell-script user data that runs the installer", () => {
        const script = '#!/bin/bash\nDD_API_KEY="$(cat /run/dd)" bash -c "$(curl -L https://install.datadoghq.com/scripts/install_script_agent7.sh)"\n';
        assert.deepStrictEqual(check(policy, [instance("a", script), requestRateMonitor()]), []);
    });
    it("installsDatadogAgent: a datadog-agent package, an install command, or a written installer that a command runs", () => {
        const without = () => cloudConfig({ web: true, datadog: false });
        const installs = (doc: ReturnType<typeof cloudConfig>) => installsDatadogAgent(parseUserDataText(renderUserData(doc)));
        assert.strictEqual(installs(without()), false);
        // The package list names the agent (and no command mentions an installer).
        assert.strictEqual(installs({ ...without(), packages: [...without().packages, "datadog-agent"] }), true);
        // A command installs it; the package manager may be followed by more than one space.
        for (const command of ["apt-get install -y datadog-agent", "yum  install datadog-agent", ["dnf", "install", "-y", "datadog-agent"]]) {
            assert.strictEqual(installs({ ...without(), runcmd: [...without().runcmd, command] }), true, JSON.stringify(command));
        }
        assert.strictEqual(installs({ ...without(), runcmd: [...without().runcmd, "apt-get remove datadog-agent", "apt-get install -y nginx\necho datadog-agent"] }), false);
        // A written installer counts only when a command runs it.
        const installer = { path: "/usr/local/sbin/dd-install", content: "apt-get install -y datadog-agent\n", permissions: "0755" };
        assert.strictEqual(installs({ ...without(), write_files: [...without().write_files, installer] }), false);
        assert.strictEqual(installs({ ...without(), write_files: [...without().write_files, installer], runcmd: [...without().runcmd, "/usr/local/sbin/dd-install"] }), true);
        // A cloud-config is judged by what it installs, not by words in its text.
        assert.strictEqual(installs({ ...without(), write_files: [...without().write_files, { path: "/etc/motd", content: "run install_script_agent7.sh\n", permissions: "0644" }] }), false);
    });
    it("names the server and the installer in its finding, and the metrics in the stack's", () => {
        const [server] = check(policy, [instance("web-1", userDataFor({ web: true, datadog: false })), requestRateMonitor()]);
        assert.match(
            server.message,
            /^web-1: user data does not install the Datadog agent .*so the server is unmonitored\. The webstack program installs it on every server; otherwise run Datadog's install_script_agent7\.sh/,
        );
        const [stack] = check(policy, [instance("a", userDataFor({ web: true })), monitor("avg(last_5m):avg:system.cpu.user{*} > 90")]);
        assert.match(
            stack.message,
            /\(haproxy\.frontend\.request, .*aws\.applicationelb\.request_count\), so web QPS is not monitored\. Add a datadog\.Monitor on e\.g\. haproxy\.frontend\.request\.rate/,
        );
    });
    it("one monitor with a request-rate metric anywhere in its query is enough; one unknown query stops the check", () => {
        const a = instance("a", userDataFor({ web: true }));
        const cpu = resource("datadog:index/monitor:Monitor", "cpu", { query: "avg(last_5m):avg:system.cpu.user{*} > 90" });
        const mixed = resource("datadog:index/monitor:Monitor", "mixed", { query: "avg(last_5m):avg:system.cpu.user{*} / avg:haproxy.frontend.request.rate{*} > 1" });
        assert.deepStrictEqual(check(policy, [a, cpu, mixed]), []);
        const unknown = resource("datadog:index/monitor:Monitor", "pending", {});
        assert.deepStrictEqual(check(policy, [a, cpu, unknown]), []);
        assert.strictEqual(check(policy, [a, cpu]).length, 1);
    });
    it("requestRateMetricPrefixes must be a list of non-empty strings", () => {
        assert.throws(() => validatePolicyConfig({ "datadog-monitoring": { requestRateMetricPrefixes: "haproxy" } }), /requestRateMetricPrefixes/);
        assert.throws(() => validatePolicyConfig({ "datadog-monitoring": { requestRateMetricPrefixes: [""] } }), /requestRateMetricPrefixes/);
        assert.doesNotThrow(() => validatePolicyConfig({ "datadog-monitoring": { requestRateMetricPrefixes: ["haproxy"] } }));
    });
});
