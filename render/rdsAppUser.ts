export interface RdsAppUserSpec {
    region: string;
    /** Secrets Manager secret in which RDS keeps the master credentials (JSON: username, password). */
    masterSecretArn: string;
    writerHost: string;
    port: number;
    /** CA bundle that verifies RDS's certificate. */
    caPath: string;
    databaseName: string;
    appUser: string;
    /** File the secret fetcher wrote the app user's password to. */
    appPasswordFile: string;
}

export const RDS_APP_USER_PATH = "/usr/local/sbin/webstack-rds-app-user";

/** What the application may do in its database, and nothing on any other. */
export const APP_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE, CREATE, INDEX, ALTER";

/**
 * A Python script (python3 + PyMySQL, already on the app servers) that creates or updates
 * the application's least-privilege RDS user with the master credentials RDS keeps in
 * Secrets Manager. Idempotent: every boot of the first app server sets the user's password
 * to the one in SSM and its grants to APP_PRIVILEGES on the app's database only.
 *
 * Values reach the script as one JSON document (quoted by construction); the SQL passes the
 * user and password as driver parameters, never by string building, and the database name
 * is checked against MySQL's unquoted-identifier grammar before it is backtick-quoted.
 * The master password is read at run time and never written to disk.
 */
export function renderRdsAppUserScript(spec: RdsAppUserSpec): string {
    return `#!/usr/bin/env python3
# Rendered by webstack (renderRdsAppUserScript).
import json
import re
import subprocess
import sys
import time

import pymysql

SPEC = json.loads(${JSON.stringify(JSON.stringify(spec))})
PRIVILEGES = ${JSON.stringify(APP_PRIVILEGES)}


def master_credentials():
    out = subprocess.run(
        ["aws", "secretsmanager", "get-secret-value", "--region", SPEC["region"], "--secret-id", SPEC["masterSecretArn"], "--query", "SecretString", "--output", "text"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def connect():
    # The instance profile and the database may both still be coming up: retry for ~5 minutes.
    last = None
    for _ in range(30):
        try:
            master = master_credentials()
            return pymysql.connect(
                host=SPEC["writerHost"], port=SPEC["port"], user=master["username"], password=master["password"],
                ssl_ca=SPEC["caPath"], ssl_verify_cert=True, ssl_verify_identity=True, connect_timeout=5,
            )
        except Exception as error:  # noqa: BLE001 - reported, then retried
            last = error
            print("webstack-rds-app-user: waiting for the database: %s" % type(error).__name__, file=sys.stderr, flush=True)
            time.sleep(10)
    sys.exit("webstack-rds-app-user: gave up: %s" % type(last).__name__)


def main():
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", SPEC["databaseName"]):
        sys.exit("webstack-rds-app-user: database name %r is not a plain identifier" % SPEC["databaseName"])
    with open(SPEC["appPasswordFile"], encoding="utf-8") as f:
        app_password = f.read().strip()
    conn = connect()
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE USER IF NOT EXISTS %s@'%%' IDENTIFIED BY %s REQUIRE SSL", (SPEC["appUser"], app_password))
            cur.execute("ALTER USER %s@'%%' IDENTIFIED BY %s REQUIRE SSL", (SPEC["appUser"], app_password))
            cur.execute("GRANT " + PRIVILEGES + " ON \`" + SPEC["databaseName"] + "\`.* TO %s@'%%'", (SPEC["appUser"],))
        conn.commit()
    finally:
        conn.close()
    print("webstack-rds-app-user: %s may %s on %s" % (SPEC["appUser"], PRIVILEGES, SPEC["databaseName"]), flush=True)


if __name__ == "__main__":
    main()
`;
}
