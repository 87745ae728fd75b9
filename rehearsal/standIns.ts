import * as crypto from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { must } from "./exec";
import { StandInObject, startAwsStandIn } from "./standins/awsEndpoint";
import { Instance, RehearsalPlan } from "./plan";

/**
 * The stand-ins the boot reaches on "the internet" (see namespaces.ts INTERNET): an SSM
 * endpoint (AWS_ENDPOINT_URL) that serves the program's parameter values to each server's
 * role, and the Datadog agent installer, which records the call and installs nothing.
 */
export const DATADOG_INSTALL_HOST = "install.datadoghq.com";
/** Amazon's RDS CA bundle host: the stand-in serves its own CA there (RDS itself is not booted). */
export const RDS_TRUSTSTORE_HOST = "truststore.pki.rds.amazonaws.com";

export interface AwsRequest {
    server: string;
    action: string;
    parameter?: string;
    status: number;
    error?: string;
}

export interface AwsStandIn {
    url: string;
    requests: AwsRequest[];
    principalOf(serverKey: string): { accessKeyId: string; secretAccessKey: string };
    /** Credentials for an instance added to the running stack, authorized by its own role's policies. */
    addInstance(instance: Instance): void;
    putObject(object: StandInObject): string;
    putParameter(name: string, value: string): number;
    stop(): Promise<void>;
}

export interface DatadogRequest {
    method: string;
    path: string;
    from: string;
}

export interface DatadogStandIn {
    /** The CA the stand-in's certificate for install.datadoghq.com chains to (trusted in the containers). */
    caPem: string;
    requests: DatadogRequest[];
    stop(): Promise<void>;
}

export interface StandInOptions {
    plan: RehearsalPlan;
    parameters: Record<string, string>;
    /** The configuration bundles, as the program stores them in S3. */
    objects: StandInObject[];
    aws: { host: string; port: number };
    datadog: { host: string; port: number };
    pki: string;
}

export async function startStandIns(options: StandInOptions): Promise<{ aws: AwsStandIn; datadog: DatadogStandIn }> {
    const aws = await startSsmStandIn(options);
    try {
        const datadog = await startDatadogStandIn(options);
        return { aws, datadog };
    } catch (error) {
        await aws.stop();
        throw error;
    }
}

const accessKeyOf = (serverKey: string) => `AKIAREHEARSAL${crypto.createHash("sha256").update(serverKey).digest("hex").slice(0, 7).toUpperCase()}`;

/**
 * SSM's JSON protocol (X-Amz-Target: AmazonSSM.GetParameter). Each server has its own access
 * key, standing for its instance role; every request is decided by the IAM evaluator over the
 * policies the program attaches to that role (plus AWS managed ones). The SigV4 signature is
 * not verified: the key identifies the caller.
 */
/**
 * The SSM endpoint: standins/awsEndpoint.ts (SigV4 checked with each server's own secret,
 * every request authorized against the server's instance role as IAM evaluates it), with the
 * program's parameter values and one stand-in access key per server.
 */
async function startSsmStandIn(options: StandInOptions): Promise<AwsStandIn> {
    const { region, accountId } = options.plan;
    const principalOfInstance = (instance: Instance) => ({
        server: instance.key,
        accessKeyId: accessKeyOf(instance.key),
        secretAccessKey: crypto.randomBytes(20).toString("hex"),
        roleName: instance.role.name || "none",
        instanceName: `i-rehearsal-${instance.key}`,
        policies: instance.role.policies,
    });
    const principals = options.plan.instances.map(principalOfInstance);
    const serverOf = new Map(principals.map((p) => [p.accessKeyId, p.server]));
    const standIn = await startAwsStandIn({
        host: options.aws.host,
        port: options.aws.port,
        region,
        accountId,
        parameters: Object.entries(options.parameters).map(([name, value]) => ({ name, value, type: "SecureString" })),
        objects: options.objects,
        principals,
    });
    return {
        url: standIn.url,
        get requests(): AwsRequest[] {
            return standIn.requests.map((r) => ({
                server: serverOf.get(r.accessKeyId) ?? `unknown key ${r.accessKeyId}`,
                action: r.action.replace(/^(ssm:|AmazonSSM\.)/, ""),
                parameter: r.resource ? r.resource.replace(/^arn:aws:ssm:[^:]*:\d*:parameter/, "") : undefined,
                status: r.status ?? 0,
                error: r.error,
            }));
        },
        principalOf: (serverKey) => {
            const p = principals.find((x) => x.server === serverKey);
            if (!p) throw new Error(`no stand-in principal for ${serverKey}`);
            return p;
        },
        addInstance: (instance) => {
            const principal = principalOfInstance(instance);
            standIn.addPrincipal(principal);
            principals.push(principal);
            serverOf.set(principal.accessKeyId, principal.server);
        },
        putObject: standIn.putObject,
        putParameter: standIn.putParameter,
        stop: standIn.stop,
    };
}

/** install.datadoghq.com over HTTPS: serves an install script that installs nothing. */
async function startDatadogStandIn(options: StandInOptions): Promise<DatadogStandIn> {
    fs.mkdirSync(options.pki, { recursive: true });
    const file = (name: string) => path.join(options.pki, name);
    await must([
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=webstack rehearsal stand-in CA",
        "-keyout",
        file("ca.key"),
        "-out",
        file("ca.crt"),
    ]);
    await must(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${DATADOG_INSTALL_HOST}`, "-keyout", file("dd.key"), "-out", file("dd.csr")]);
    fs.writeFileSync(file("dd.ext"), `subjectAltName = DNS:${DATADOG_INSTALL_HOST}, DNS:${RDS_TRUSTSTORE_HOST}\nextendedKeyUsage = serverAuth\n`);
    await must([
        "openssl",
        "x509",
        "-req",
        "-in",
        file("dd.csr"),
        "-CA",
        file("ca.crt"),
        "-CAkey",
        file("ca.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        file("dd.ext"),
        "-out",
        file("dd.crt"),
    ]);
    const requests: DatadogRequest[] = [];
    const script = `#!/bin/sh\n# webstack rehearsal: stand-in for Datadog's agent installer. Installs nothing.\necho "datadog installer stand-in: agent NOT installed (site $DD_SITE, tags $DD_HOST_TAGS)"\n`;
    const server = https.createServer({ key: fs.readFileSync(file("dd.key")), cert: fs.readFileSync(file("dd.crt")) }, (req, res) => {
        requests.push({ method: req.method ?? "", path: req.url ?? "", from: req.socket.remoteAddress ?? "" });
        if (req.headers.host === RDS_TRUSTSTORE_HOST && req.url === "/global/global-bundle.pem") {
            res.writeHead(200, { "content-type": "application/x-pem-file" });
            res.end(fs.readFileSync(file("ca.crt")));
        } else if (req.url === "/scripts/install_script_agent7.sh") {
            res.writeHead(200, { "content-type": "text/x-shellscript" });
            res.end(script);
        } else {
            res.writeHead(404);
            res.end();
        }
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.datadog.port, options.datadog.host, resolve));
    return { caPem: fs.readFileSync(file("ca.crt"), "utf8"), requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
