import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { MonitorFacts, monitorSpecs, noDataTimeframeMinutes, WEB_QPS_METRIC } from "../../model";

export interface MonitoringArgs {
    readonly facts: MonitorFacts;
}

/**
 * Datadog monitors for the stack and a dashboard with QPS, errors, latency and replication
 * lag. The agents themselves are installed by each server's cloud-init.
 */
export class Monitoring extends pulumi.ComponentResource {
    /** Monitor ids by key (web-qps-spike, …). */
    readonly monitorIds: Record<string, pulumi.Output<string>>;
    readonly dashboardUrl: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("webstack:monitoring:Monitoring", name, {}, opts);
        const parent = { parent: this };
        const { facts } = args;
        const tags = [`env:${facts.stack}`, "service:webstack", ...facts.config.tags];

        this.monitorIds = {};
        for (const spec of monitorSpecs(facts)) {
            const monitor = new datadog.Monitor(
                `${name}-${spec.key}`,
                {
                    name: spec.name,
                    type: spec.type,
                    query: spec.query,
                    message: spec.message,
                    tags,
                    monitorThresholds: {
                        critical: String(spec.critical),
                        ...(spec.warning !== undefined ? { warning: String(spec.warning) } : {}),
                        ...(spec.type === "service check" ? { ok: "1" } : {}),
                    },
                    notifyNoData: spec.notifyNoData,
                    noDataTimeframe: spec.notifyNoData ? noDataTimeframeMinutes(spec, facts.config) : undefined,
                    requireFullWindow: false,
                    includeTags: true,
                    renotifyInterval: 60,
                },
                parent,
            );
            this.monitorIds[spec.key] = monitor.id;
        }

        const scope = `env:${facts.stack},service:webstack`;
        const timeseries = (title: string, q: string) => ({ timeseriesDefinition: { title, requests: [{ q, displayType: "line" }] } });
        const dashboard = new datadog.Dashboard(
            `${name}-dashboard`,
            {
                title: `webstack ${facts.stack}`,
                description: "Web QPS, errors, latency and replication lag of the webstack stack.",
                layoutType: "ordered",
                widgets: [
                    timeseries("Web QPS (HTTPS frontend)", `sum:${WEB_QPS_METRIC}{${scope},proxy:https-in}.as_rate()`),
                    timeseries("5xx responses per second", `sum:haproxy.frontend.http.responses.count{${scope},proxy:https-in,code:5xx}.as_rate()`),
                    timeseries("Backend response time (s)", `avg:haproxy.backend.response.time.average.seconds{${scope},proxy:app-servers}`),
                    timeseries("Replication lag (s)", facts.managedDatabase ? `max:aws.rds.replica_lag{${scope}}` : `max:mysql.replication.seconds_behind_source{${scope}} by {host}`),
                ],
            },
            parent,
        );
        this.dashboardUrl = dashboard.url;
        this.registerOutputs({ monitorIds: this.monitorIds, dashboardUrl: this.dashboardUrl });
    }
}
