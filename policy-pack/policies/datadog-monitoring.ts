// Reference design control: every server runs a Datadog agent and web-server QPS is
// monitored — an agent without a request-rate monitor would not page anyone.
import { definePolicy } from "../lib/definePolicy";
import { str } from "../lib/props";
import { ofType } from "../lib/resourceIndex";
import { DATADOG_MONITOR, EC2_INSTANCE } from "../lib/types";
import { UserData } from "../lib/userData";
import { readServerFiles } from "../lib/serverFiles";

const AGENT_INSTALL = /install_script_agent7|\b(apt-get|apt|yum|dnf)\s+install\b[^\n]*\bdatadog-agent\b/;

/**
 * The agent is installed when a command runs the installer, or runs a written script that
 * does (our program writes /usr/local/sbin/webstack-install-datadog-agent and runs it).
 */
export function installsDatadogAgent(ud: UserData): boolean {
    if (ud.kind === "script") {
        return AGENT_INSTALL.test(ud.text);
    }
    if (ud.packages.includes("datadog-agent") || ud.runcmd.some((c) => AGENT_INSTALL.test(c))) {
        return true;
    }
    // The cheap test first: only a file a command runs is searched, not every file (the applier is 17 KB).
    return ud.files.some((f) => ud.runcmd.some((c) => c.includes(f.path)) && AGENT_INSTALL.test(f.content));
}

/** Metric names in a Datadog query, e.g. "avg(last_5m):sum:haproxy.frontend.request.rate{*} > 10". */
function metricsInQuery(query: string): string[] {
    return query.match(/[a-z_][a-z0-9_]*(\.[a-z0-9_]+)+/gi) ?? [];
}

export const datadogMonitoring = definePolicy({
    name: "datadog-monitoring",
    category: "design-control",
    severity: "medium",
    description: "Every server runs the Datadog agent and a monitor watches web request rate.",
    settings: {
        requestRateMetricPrefixes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            minItems: 1,
            default: [
                "haproxy.frontend.request",
                "haproxy.frontend.http.request",
                "haproxy.frontend.http_request",
                "haproxy.backend.request",
                "nginx.net.request_per_s",
                "nginx.requests",
                "aws.applicationelb.request_count",
            ],
            description: "Metric name prefixes that count as a web request-rate (QPS) metric in a monitor query.",
        },
    },
    validateStack: (args, reportViolation, settings) => {
        const cfg = settings();
        const instances = ofType(args.resources, EC2_INSTANCE);
        if (instances.length === 0) {
            args.notApplicable("the stack has no EC2 instances");
        }
        for (const r of instances) {
            const ud = readServerFiles(r, args.resources);
            if (ud && !installsDatadogAgent(ud)) {
                reportViolation(
                    `${r.name}: user data does not install the Datadog agent (no install_script_agent7 / datadog-agent install), so the server is unmonitored. ` +
                        `The webstack program installs it on every server; otherwise run Datadog's install_script_agent7.sh from user data.`,
                    r.urn,
                );
            }
        }
        const monitors = ofType(args.resources, DATADOG_MONITOR);
        const queries = monitors.map((m) => str(m.props.query));
        if (queries.some((q) => q === undefined)) {
            return; // a monitor query is not known yet: it may be the request-rate monitor
        }
        const watchesQps = queries.some((q) => metricsInQuery(q!).some((m) => cfg.requestRateMetricPrefixes.some((p) => m.startsWith(p))));
        if (!watchesQps) {
            reportViolation(
                `The stack has no datadog.Monitor whose \`query\` reads a web request-rate metric (${cfg.requestRateMetricPrefixes.join(", ")}), so web QPS is not monitored. ` +
                    `Add a datadog.Monitor on e.g. haproxy.frontend.request.rate; the webstack program's monitoring component creates one.`,
            );
        }
    },
});
