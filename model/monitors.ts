/**
 * What the monitors watch for and who they tell (the stack config's `monitoring` section maps
 * onto it one to one). Plain values: they are written into the monitors' queries and messages
 * and into every agent's configuration.
 */
export interface MonitoringSettings {
    /** Datadog site the agents report to (datadoghq.com, datadoghq.eu, ...). */
    readonly site: string;
    /** Who the monitors notify, e.g. "@pagerduty-web @slack-ops"; empty notifies nobody. */
    readonly notify: string;
    /** Extra Datadog tags (key:value) on every monitor and agent. */
    readonly tags: string[];
    /** Web QPS above this on the load balancer is a spike (critical). */
    readonly qpsSpikeThreshold: number;
    /** Web QPS below this for 10 minutes means traffic dropped to (almost) zero. */
    readonly qpsFloor: number;
    /** 5xx responses as a percentage of all responses (critical). */
    readonly errorRatePercent: number;
    /** Average backend response time in milliseconds (critical). */
    readonly responseTimeMs: number;
    /** Replication lag in seconds (critical). */
    readonly replicationLagSeconds: number;
    /** Alert when a TLS certificate expires in fewer days than this. */
    readonly certificateExpiryDays: number;
    /** Minutes without data before a monitor reports "no data" (each monitor uses at least twice its own window). */
    readonly noDataMinutes: number;
}

export interface MonitorSpec {
    /** Resource name suffix and stable identifier (web-qps-spike). */
    key: string;
    name: string;
    query: string;
    message: string;
    critical: number;
    warning?: number;
    /** The window the query evaluates (its last_Nm), or for a service check the span of its checks. */
    windowMinutes: number;
    /** Alert when the metric stops arriving: for traffic that must never stop. */
    notifyNoData: boolean;
    type: "query alert" | "service check";
}

export interface MonitorFacts {
    stack: string;
    /** Number of app servers behind the load balancer. */
    appServerCount: number;
    /** rds: replication lag comes from CloudWatch; self-managed: from the agent's MySQL check. */
    managedDatabase: boolean;
    config: MonitoringSettings;
}

/** The metric the web QPS monitors and the policy pack look for. */
export const WEB_QPS_METRIC = "haproxy.frontend.http.requests.count";

/**
 * The stack's monitors as plain data: web QPS (spike and drop to zero, the reference
 * design's explicit ask), 5xx ratio, backend response time, a backend down, replication
 * lag / replica stopped, and certificate expiry.
 */
export function monitorSpecs(facts: MonitorFacts): MonitorSpec[] {
    const c = facts.config;
    const scope = `env:${facts.stack},service:webstack`;
    const notify = c.notify ? `\n\nNotify: ${c.notify}` : "";
    const qps = `sum:${WEB_QPS_METRIC}{${scope},proxy:https-in}.as_rate()`;
    const specs: MonitorSpec[] = [
        {
            key: "web-qps-spike",
            name: `[webstack ${facts.stack}] Web QPS spike on the load balancer`,
            query: `avg(last_5m):${qps} > ${c.qpsSpikeThreshold}`,
            windowMinutes: 5,
            message: `Requests per second on the HTTPS frontend are above ${c.qpsSpikeThreshold}. Check for a traffic surge or abuse; scale appServerCount if it is real.${notify}`,
            critical: c.qpsSpikeThreshold,
            warning: c.qpsSpikeThreshold * 0.8,
            notifyNoData: false,
            type: "query alert",
        },
        {
            key: "web-qps-drop",
            name: `[webstack ${facts.stack}] Web QPS dropped to zero`,
            query: `avg(last_10m):${qps} < ${c.qpsFloor}`,
            windowMinutes: 10,
            message: `Requests per second on the HTTPS frontend fell below ${c.qpsFloor}: the site may be unreachable (DNS, load balancer, firewall).${notify}`,
            critical: c.qpsFloor,
            notifyNoData: true,
            type: "query alert",
        },
        {
            key: "http-5xx-ratio",
            name: `[webstack ${facts.stack}] 5xx ratio on the load balancer`,
            windowMinutes: 5,
            query: `sum(last_5m):sum:haproxy.frontend.http.responses.count{${scope},proxy:https-in,code:5xx}.as_count() / sum:haproxy.frontend.http.responses.count{${scope},proxy:https-in}.as_count() * 100 > ${c.errorRatePercent}`,
            message: `More than ${c.errorRatePercent}% of responses are 5xx.${notify}`,
            critical: c.errorRatePercent,
            notifyNoData: false,
            type: "query alert",
        },
        {
            key: "backend-response-time",
            name: `[webstack ${facts.stack}] Backend response time`,
            windowMinutes: 5,
            query: `avg(last_5m):avg:haproxy.backend.response.time.average.seconds{${scope},proxy:app-servers} * 1000 > ${c.responseTimeMs}`,
            message: `Average backend response time is above ${c.responseTimeMs} ms.${notify}`,
            critical: c.responseTimeMs,
            notifyNoData: false,
            type: "query alert",
        },
        {
            key: "backend-server-down",
            name: `[webstack ${facts.stack}] An app server is out of rotation`,
            windowMinutes: 5,
            query: `max(last_5m):min:haproxy.backend.active.servers{${scope},proxy:app-servers} < ${facts.appServerCount}`,
            message: `Fewer than ${facts.appServerCount} app servers pass the load balancer's health check.${notify}`,
            critical: facts.appServerCount,
            notifyNoData: true,
            type: "query alert",
        },
        facts.managedDatabase
            ? {
                  key: "replication-lag",
                  name: `[webstack ${facts.stack}] RDS replica lag`,
                  windowMinutes: 5,
                  // RDS carries env and service through the provider's default tags (aws:defaultTags).
                  query: `max(last_5m):max:aws.rds.replica_lag{${scope}} > ${c.replicationLagSeconds}`,
                  message: `The RDS read replica is more than ${c.replicationLagSeconds}s behind the writer.${notify}`,
                  critical: c.replicationLagSeconds,
                  notifyNoData: false,
                  type: "query alert",
              }
            : {
                  key: "replication-lag",
                  name: `[webstack ${facts.stack}] MySQL replication lag`,
                  windowMinutes: 5,
                  query: `max(last_5m):max:mysql.replication.seconds_behind_source{${scope}} > ${c.replicationLagSeconds}`,
                  message: `The replica is more than ${c.replicationLagSeconds}s behind the primary.${notify}`,
                  critical: c.replicationLagSeconds,
                  // A stopped replica stops reporting lag: no data is an alert too.
                  notifyNoData: true,
                  type: "query alert",
              },
        {
            key: "certificate-expiry",
            name: `[webstack ${facts.stack}] TLS certificate expires soon`,
            windowMinutes: 60,
            query: `min(last_1h):min:tls.days_left{${scope}} < ${c.certificateExpiryDays}`,
            message: `A certificate in use (the frontend's, a backend's or a database's; tls.days_left by host and cert path) expires in fewer than ${c.certificateExpiryDays} days. Run pulumi up (generated certificates renew early; the servers pick up the new ones within minutes) or renew the provided one. If pulumi up already ran, the server's webstack-apply may be failing: see the config-apply monitor.${notify}`,
            critical: c.certificateExpiryDays,
            notifyNoData: false,
            type: "query alert",
        },
    ];
    if (!facts.managedDatabase) {
        specs.push({
            key: "replica-stopped",
            name: `[webstack ${facts.stack}] MySQL replica stopped`,
            query: `"mysql.replication.replica_running".over("${scope}").by("host").last(2).count_by_status()`,
            message: `Replication is not fully running on the replica (warning: one of the IO and SQL threads stopped; critical: both).${notify}`,
            // The MySQL check reports WARNING when only one replication thread runs: without a
            // warning threshold a half-stopped replica would never alert.
            critical: 1,
            warning: 1,
            // last(2) of the agent's 15-second checks.
            windowMinutes: 1,
            notifyNoData: true,
            type: "service check",
        });
    }
    specs.push({
        key: "config-apply",
        name: `[webstack ${facts.stack}] A server cannot apply its configuration bundle`,
        query: `"webstack.config.apply".over("${scope}").by("host").last(2).count_by_status()`,
        message: `webstack-apply on {{host.name}} refused or failed the server's configuration bundle twice in a row; the server keeps running its last good configuration, so changes (renewed certificates included) are not reaching it. See \`journalctl -u webstack-apply\` on the server.${notify}`,
        critical: 1,
        // The applier reports every 5 minutes; two reports.
        windowMinutes: 10,
        // No agent yet, or the timer stopped: a server that stops reporting is not applying anything either.
        notifyNoData: true,
        type: "service check",
    });
    return specs;
}

/**
 * Minutes without data before a monitor reports "no data": the configured noDataMinutes,
 * but never less than twice the monitor's own window (Datadog's advice for no-data alerts:
 * a shorter timeframe fires on ordinary reporting gaps, before one full window has had a
 * chance to see data).
 */
export function noDataTimeframeMinutes(spec: MonitorSpec, config: MonitoringSettings): number {
    return Math.max(config.noDataMinutes, 2 * spec.windowMinutes);
}
