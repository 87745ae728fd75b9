import * as fs from "fs";
import * as path from "path";

export interface AppSpec {
    /** Name the page reports as "served by". */
    serverName: string;
    appPort: number;
    database: {
        writerHost: string;
        readerHost: string;
        port: number;
        name: string;
        user: string;
        /** File the boot script fills from the secret store; never the password itself. */
        passwordFile: string;
        /** CA bundle that verifies the database's certificate. */
        caPath: string;
    };
}

export const APP_DIR = "/opt/webstack/app";
export const APP_ENV_FILE = "/etc/webstack/app.env";
export const APP_UNIT_NAME = "webstack-app.service";

/**
 * The sample application: /healthz for the load balancer (it must not depend on the
 * database, or a database outage would take every backend out of rotation) and / that
 * says which server answered and whether the writer and the reader answer.
 * Python's standard library plus PyMySQL, both Debian packages: nothing fetched at boot.
 */
export function renderAppSource(): string {
    // A real Python file in render/verbatim/ (copied into bin/ by the build), so it can be compiled,
    // linted and run on its own.
    return fs.readFileSync(path.join(__dirname, "verbatim", "app.py"), "utf8");
}

/** Environment of the app's systemd unit: where things are, never a secret. */
export function renderAppEnvironment(spec: AppSpec): string {
    const db = spec.database;
    return [
        `WEBSTACK_SERVER_NAME=${spec.serverName}`,
        `WEBSTACK_APP_PORT=${spec.appPort}`,
        `WEBSTACK_DB_WRITER=${db.writerHost}`,
        `WEBSTACK_DB_READER=${db.readerHost}`,
        `WEBSTACK_DB_PORT=${db.port}`,
        `WEBSTACK_DB_NAME=${db.name}`,
        `WEBSTACK_DB_USER=${db.user}`,
        `WEBSTACK_DB_PASSWORD_FILE=${db.passwordFile}`,
        `WEBSTACK_DB_CA=${db.caPath}`,
        "",
    ].join("\n");
}

export function renderAppUnit(): string {
    return `# Rendered by webstack (renderAppUnit).
[Unit]
Description=webstack sample application
After=network-online.target
Wants=network-online.target

[Service]
EnvironmentFile=${APP_ENV_FILE}
ExecStart=/usr/bin/python3 ${APP_DIR}/app.py
User=webstack-app
Group=webstack-app
Restart=on-failure
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`;
}
