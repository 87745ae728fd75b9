import * as assert from "assert";
import { datadogMonitoring as policy } from "../../../policy-pack/policies/datadog-monitoring";
import { check, instance, requestRateMonitor, resource, userDataFor } from "../fixtures";

const monitor = (query: string | undefined) => resource("datadog:index/monitor:Monitor", "m", query === undefined ? {} : { query, type: "metric alert" });

describe("datadog-monitoring", () => {
    it("passes servers installing the agent plus a request-rate monitor", () => {
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ web: true })), requestRateMonitor()]), []);
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ web: true })), monitor("avg(last_5m):avg:nginx.net.request_per_s{*} > 100")]), []);
    });
    it("flags a server that does not install the agent", () => {
        const findings = check(policy, [instance("a", userDataFor({ web: true, datadog: false })), requestRateMonitor()]);
        assert.deepStrictEqual(findings.map(f => f.resource), ["a"]);
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
});
