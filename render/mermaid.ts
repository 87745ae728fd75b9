import { backendPort, PORTS, WebStackPlan } from "../model";

export interface MermaidInput {
    plan: WebStackPlan;
    /** Names of the Datadog monitors the plan registered. */
    monitors: string[];
}

/**
 * The stack's architecture as a Mermaid flowchart, which GitHub renders in a README or a
 * PR comment: clients, the load balancer, each server inside its firewall, the backend hop
 * (TLS or plaintext, the documented weakness), the database and its replication link, and
 * the Datadog monitors.
 */
export function renderMermaid(input: MermaidInput): string {
    const { settings, topology, database } = input.plan;
    const id = (key: string) => key.replace(/[^A-Za-z0-9]/g, "_");
    const tlsHop = settings.backendHop === "tls";
    const lines = ["flowchart LR", `    clients(["clients ${settings.clientCidrs.join(", ")}"])`];

    for (const server of topology.servers) {
        lines.push(`    subgraph fw_${id(server.key)}["firewall: ${server.key} (security group + nftables)"]`);
        lines.push(`        ${id(server.key)}["${server.key}<br/>${server.components.join(" + ")}<br/>${server.privateIp}"]`);
        lines.push("    end");
    }
    lines.push(`    clients -- "HTTPS :${PORTS.https} (TLS 1.2+), HTTP :${PORTS.http} redirects" --> ${id(topology.loadBalancer.key)}`);
    for (const app of topology.appServers) {
        const label = tlsHop ? `TLS :${backendPort("tls")} verified` : `plaintext HTTP :${backendPort("plaintext")}`;
        lines.push(`    ${id(topology.loadBalancer.key)} ${tlsHop ? "==" : "-."} "${label}" ${tlsHop ? "==>" : ".->"} ${id(app.key)}`);
    }

    const { primary, replica } = database;
    if (primary && replica) {
        lines.push(`    ${id(primary.key)} == "GTID replication over TLS" ==> ${id(replica.key)}`);
        for (const app of topology.appServers.filter((s) => s.key !== primary.key)) {
            lines.push(`    ${id(app.key)} -- "MySQL TLS (writes)" --> ${id(primary.key)}`);
        }
    } else if (database.managed) {
        lines.push(`    subgraph rds["Amazon RDS for MySQL"]`);
        lines.push(`        rds_writer[("writer, Multi-AZ standby")]`);
        lines.push(`        rds_reader[("read replica")]`);
        lines.push("    end");
        lines.push(`    rds_writer == "replication" ==> rds_reader`);
        for (const app of topology.appServers) {
            lines.push(`    ${id(app.key)} -- "MySQL TLS" --> rds_writer`);
        }
    }

    lines.push(`    subgraph datadog["Datadog (${input.monitors.length} monitors)"]`);
    input.monitors.forEach((name, i) => lines.push(`        monitor_${i}["${name.replace(/"/g, "'")}"]`));
    lines.push("    end");
    for (const server of topology.servers) {
        lines.push(`    ${id(server.key)} -. "agent" .-> datadog`);
    }
    return `${lines.join("\n")}\n`;
}
