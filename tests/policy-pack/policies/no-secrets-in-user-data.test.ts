import * as assert from "assert";
import { noSecretsInUserData as policy } from "../../../policy-pack/policies/no-secrets-in-user-data";
import { check, cloudConfig, flagged, instance, renderUserData, resource, templateLaunchers, userDataFor } from "../fixtures";

const withRuncmd = (cmd: string) => {
    const doc = cloudConfig({ web: true, app: true, db: { role: "primary" } });
    doc.runcmd.push(cmd);
    return instance("app", renderUserData(doc));
};

describe("no-secrets-in-user-data", () => {
    it("passes rendered user data that fetches secrets at boot (${VAR} and $(cat ...) references are not secrets)", () => {
        assert.deepStrictEqual(check(policy, [instance("a", userDataFor({ web: true, app: true, db: { role: "replica" } })), instance("lb", userDataFor({ haproxy: "tls" }))]), []);
        assert.deepStrictEqual(check(policy, [withRuncmd('MYSQL_ROOT_PASSWORD="$(cat /etc/webstack/secrets/mysql-root-password)" /usr/local/sbin/init')]), []);
    });
    it("flags literal passwords in env assignments, IDENTIFIED BY and cnf files without echoing them", () => {
        const env = check(policy, [withRuncmd("MYSQL_ROOT_PASSWORD=hunter2hunter2 /usr/local/sbin/init")]);
        assert.match(env[0].message, /a literal value for MYSQL_ROOT_PASSWORD/);
        assert.doesNotMatch(env[0].message, /hunter2/);
        assert.match(check(policy, [withRuncmd("mysql -e \"CREATE USER 'repl'@'%' IDENTIFIED BY 'S3cret!'\"")])[0].message, /IDENTIFIED BY/);
        const cnf = cloudConfig({ db: { role: "primary" } });
        cnf.write_files.push({ path: "/root/.my.cnf", content: "[client]\nuser = root\npassword = Sup3rSecret\n", permissions: "0600" });
        assert.match(check(policy, [instance("db", renderUserData(cnf))])[0].message, /literal value for password/);
    });
    it("flags PEM private keys, AWS access keys and literal Datadog API keys", () => {
        assert.match(check(policy, [withRuncmd("echo '-----BEGIN RSA PRIVATE KEY-----\nMIIE...' > /etc/ssl/k.pem")])[0].message, /PEM private key/);
        assert.match(check(policy, [withRuncmd("export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP")])[0].message, /AWS access key id/);
        assert.match(check(policy, [withRuncmd("DD_API_KEY=0123456789abcdef0123456789abcdef bash install.sh")])[0].message, /Datadog key in DD_API_KEY/);
        const yamlKey = cloudConfig({ web: true });
        yamlKey.write_files.push({ path: "/etc/datadog-agent/datadog.yaml", content: "api_key: 0123456789abcdef0123456789abcdef\n", permissions: "0640" });
        assert.strictEqual(check(policy, [instance("a", renderUserData(yamlKey))]).length, 1);
    });
    it("reads base64 user data (userDataBase64, launch templates) and shell scripts", () => {
        const script = "#!/bin/bash\nexport MYSQL_PASSWORD=plaintext123\n";
        assert.strictEqual(check(policy, [instance("a", undefined, { userDataBase64: Buffer.from(script).toString("base64") })]).length, 1);
        assert.strictEqual(check(policy, [resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { userData: Buffer.from(script).toString("base64") })]).length, 1);
        assert.deepStrictEqual(check(policy, [instance("b", '#!/bin/bash\nexport MYSQL_PASSWORD="${MYSQL_PASSWORD:-}"\nREPL_PASSWORD_FILE=/etc/x\n')]), []);
    });
    it("judges EC2 Fleets, Auto Scaling groups and spot fleets' launchTemplateConfigs through the templates and configurations they launch from", () => {
        // Their overrides carry no user data: the finding is on the template or configuration, none on the fleet or group.
        const leaky = "#!/bin/bash\nexport MYSQL_PASSWORD=plaintext123\n";
        const fetching = userDataFor({ web: true, app: true });
        const stack = (script: string) => [
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt", { userData: Buffer.from(fetching).toString("base64") }),
            resource("aws:ec2/launchTemplate:LaunchTemplate", "lt-arm", { userData: Buffer.from(script).toString("base64") }),
            resource("aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { imageId: "ami-1", instanceType: "t3.small", userData: script }),
            ...templateLaunchers("lt", "lc", "lt-arm"),
        ];
        const findings = check(policy, stack(leaky));
        assert.deepStrictEqual(flagged(findings), ["lt-arm", "lc"]);
        assert.match(findings[0].message, /^lt-arm: user data contains a literal value for MYSQL_PASSWORD/);
        assert.deepStrictEqual(check(policy, stack(fetching)), []);
    });
    it("says where the secret is and how to move it: user data, bundle object, spot fleet specification", () => {
        const [ud] = check(policy, [withRuncmd("mysql --password=hunter2 -e 'select 1'")]);
        assert.strictEqual(
            ud.message,
            "app: user data contains a literal value for password; user data is readable through the EC2 API and IMDS. " +
                "Store the value in SSM Parameter Store (SecureString) or Secrets Manager and fetch it on the server with the instance role " +
                "(the webstack program's applier, /usr/local/sbin/webstack-apply, does this); remove it from `userData`.",
        );
        const leaky = `#cloud-config\nwrite_files:\n  - path: /etc/x\n    content: |\n      DB_PASSWORD=hunter2\n`;
        const [bundle] = check(policy, [resource("aws:s3/bucketObjectv2:BucketObjectv2", "app-config", { bucket: "b", key: "servers/app.yaml", content: leaky })]);
        assert.match(
            bundle.message,
            /^app-config: configuration bundle contains a literal value for DB_PASSWORD; the object is readable by every principal its bucket policy and their IAM policies allow, and stays in its old versions\. Store the value/,
        );
        assert.match(bundle.message, /remove it from `content`\.$/);
        const fleet = resource("aws:ec2/spotFleetRequest:SpotFleetRequest", "fleet", {
            iamFleetRole: "arn:aws:iam::123456789012:role/fleet",
            targetCapacity: 1,
            launchSpecifications: [
                { ami: "ami-0123456789abcdef0", instanceType: "t3.small" },
                { ami: "ami-0123456789abcdef0", instanceType: "t3.small", userData: leaky },
            ],
        });
        const [spec] = check(policy, [fleet]);
        assert.strictEqual(
            spec.message,
            "fleet: launchSpecifications[1].userData contains a literal value for DB_PASSWORD; user data is readable through the EC2 API and IMDS. " +
                "Store the value in SSM Parameter Store (SecureString) or Secrets Manager and fetch it at boot with the instance role; remove it from `userData`.",
        );
    });
    it("reads user data only on servers and bundles only on S3 objects", () => {
        const leaky = "#!/bin/bash\nexport DB_PASSWORD=hunter2\n";
        assert.deepStrictEqual(check(policy, [resource("aws:ssm/parameter:Parameter", "p", { userData: leaky, content: leaky, value: "x" })]), []);
    });
});
