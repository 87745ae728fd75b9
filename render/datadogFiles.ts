import { stringify } from "yaml";
import { shellQuote } from "./quote";
import { Component } from "../model";

export interface DatadogAgentSpec {
    site: string;
    /** SSM parameter holding the API key; fetched at boot by the instance role. */
    apiKeyParameter: string;
    region: string;
    /** Tags on every metric this host sends: env, service, role, and the user's own. */
    tags: string[];
}

export interface DatadogChecksSpec {
    components: Component[];
    /** Prometheus endpoint of HAProxy (load balancer). */
    haproxyMetricsUrl: string;
    /** stub_status URL of nginx (app servers). */
    nginxStatusUrl: string;
    mysqlSocket: string;
    /** Public name whose certificate the tls check watches (load balancer). */
    publicHostname: string;
    /** Certificate files the server uses (backend, database, frontend chain): the tls check reads their expiry from disk. */
    certificateFiles: string[];
    tags: string[];
}

export interface RenderedFile {
    path: string;
    content: string;
    permissions: string;
}

export const DATADOG_INSTALL_PATH = "/usr/local/sbin/webstack-install-datadog-agent";

/**
 * Installs Datadog Agent 7 with Datadog's install script. The API key is read from the
 * secret store at run time, so it is never part of the user data.
 */
export function renderDatadogInstallScript(spec: DatadogAgentSpec): string {
    return `#!/bin/sh
# Rendered by webstack (renderDatadogInstallScript).
set -eu
DD_API_KEY="$(aws ssm get-parameter --region ${shellQuote(spec.region)} --name ${shellQuote(spec.apiKeyParameter)} --with-decryption --query Parameter.Value --output text)"
export DD_API_KEY
export DD_SITE=${shellQuote(spec.site)}
export DD_HOST_TAGS=${shellQuote(spec.tags.join(","))}
# The integration configs under /etc/datadog-agent/conf.d were written by cloud-init before
# this runs; the package leaves existing conf.yaml files alone.
curl -fsSL --retry 5 https://install.datadoghq.com/scripts/install_script_agent7.sh -o /run/datadog-install.sh
bash /run/datadog-install.sh
rm -f /run/datadog-install.sh
`;
}

/** conf.d files for the checks matching what the server runs. */
export function renderDatadogChecks(spec: DatadogChecksSpec): RenderedFile[] {
    const file = (check: string, instance: Record<string, unknown>, extra: Record<string, unknown> = {}): RenderedFile => ({
        path: `/etc/datadog-agent/conf.d/${check}.d/conf.yaml`,
        content: `# Rendered by webstack (renderDatadogChecks).\n${stringify({ init_config: {}, instances: [{ ...instance, tags: spec.tags }], ...extra })}`,
        permissions: "0644",
    });
    const files: RenderedFile[] = [];
    if (spec.components.includes("load-balancer")) {
        // The web QPS monitor reads haproxy.frontend.http.requests.count from this endpoint.
        files.push(file("haproxy", { openmetrics_endpoint: spec.haproxyMetricsUrl, use_openmetrics: true }));
    }
    if (spec.components.includes("web")) {
        files.push(file("nginx", { nginx_status_url: spec.nginxStatusUrl }));
    }
    if (spec.components.includes("database")) {
        // The dd-agent user authenticates through the socket: no password to store.
        files.push(file("mysql", { sock: spec.mysqlSocket, username: "dd-agent", options: { replication: true, galera_cluster: false } }));
    }
    // Every certificate in use, not only the frontend's: the tls check reads local files
    // (local_cert_path), and the load balancer also checks what clients are served on 443.
    const tlsInstances = [
        ...(spec.components.includes("load-balancer") ? [{ server: spec.publicHostname, port: 443, tags: spec.tags }] : []),
        ...spec.certificateFiles.map((certificate) => ({ local_cert_path: certificate, tags: [...spec.tags, `cert_path:${certificate}`] })),
    ];
    if (tlsInstances.length > 0) {
        files.push({
            path: "/etc/datadog-agent/conf.d/tls.d/conf.yaml",
            content: `# Rendered by webstack (renderDatadogChecks).\n${stringify({ init_config: {}, instances: tlsInstances })}`,
            permissions: "0644",
        });
    }
    return files;
}
