import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as path from "path";
import { evaluateRequest } from "../policy-pack/lib/iam/evaluate";
import { must } from "./exec";
import { Instance, RehearsalPlan } from "./plan";

/**
 * The stand-ins the boot reaches on "the internet" (see namespaces.ts INTERNET): an SSM
 * endpoint (AWS_ENDPOINT_URL) that serves the program's parameter values to each server's
 * role, and the Datadog agent installer, which records the call and installs nothing.
 */
export const DATADOG_INSTALL_HOST = "install.datadoghq.com";

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
async function startSsmStandIn(options: StandInOptions): Promise<AwsStandIn> {
    const principals = new Map<string, { server: string; accessKeyId: string; secretAccessKey: string; instance: Instance }>();
    for (const instance of options.plan.instances) {
        const accessKeyId = accessKeyOf(instance.key);
        principals.set(accessKeyId, { server: instance.key, accessKeyId, secretAccessKey: crypto.randomBytes(20).toString("base64"), instance });
    }
    const { region, accountId } = options.plan;
    const requests: AwsRequest[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (d: Buffer) => (body += d.toString()));
        req.on("end", () => {
            const action = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonSSM\./, "");
            const keyId = /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "";
            const principal = principals.get(keyId);
            const reply = (status: number, document: unknown, error?: string, parameter?: string) => {
                requests.push({ server: principal?.server ?? `unknown key ${keyId}`, action, parameter, status, error });
                res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify(document));
            };
            if (!principal) return reply(400, { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." }, "UnrecognizedClientException");
            if (action !== "GetParameter") return reply(400, { __type: "InvalidAction", message: `${action} is not served by the rehearsal` }, "InvalidAction");
            const name = String((JSON.parse(body || "{}") as { Name?: string }).Name ?? "");
            // The instance role decides, as IAM would, before existence is even looked at.
            const arn = `arn:aws:ssm:${region}:${accountId}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
            const decision = evaluateRequest(principal.instance.role.policies, "ssm:GetParameter", arn);
            if (decision.decision !== "allow") {
                const why = decision.decision === "explicit-deny" ? "with an explicit deny in an identity-based policy" : "because no identity-based policy allows the ssm:GetParameter action";
                const message = `User: arn:aws:sts::${accountId}:assumed-role/${principal.instance.role.name || "none"}/i-rehearsal-${principal.server} is not authorized to perform: ssm:GetParameter on resource: ${arn} ${why}`;
                return reply(400, { __type: "AccessDeniedException", message }, "AccessDeniedException", name);
            }
            const value = options.parameters[name];
            if (value === undefined) return reply(400, { __type: "ParameterNotFound", message: "" }, "ParameterNotFound", name);
            return reply(200, { Parameter: { Name: name, Type: "SecureString", Value: value, Version: 1, ARN: arn } }, undefined, name);
        });
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.aws.port, options.aws.host, resolve));
    return {
        url: `http://${options.aws.host}:${options.aws.port}`,
        requests,
        principalOf: (serverKey) => {
            const p = [...principals.values()].find((x) => x.server === serverKey);
            if (!p) throw new Error(`no stand-in principal for ${serverKey}`);
            return p;
        },
        stop: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/** install.datadoghq.com over HTTPS: serves an install script that installs nothing. */
async function startDatadogStandIn(options: StandInOptions): Promise<DatadogStandIn> {
    fs.mkdirSync(options.pki, { recursive: true });
    const file = (name: string) => path.join(options.pki, name);
    await must(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=webstack rehearsal stand-in CA", "-keyout", file("ca.key"), "-out", file("ca.crt")]);
    await must(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", `/CN=${DATADOG_INSTALL_HOST}`, "-keyout", file("dd.key"), "-out", file("dd.csr")]);
    fs.writeFileSync(file("dd.ext"), `subjectAltName = DNS:${DATADOG_INSTALL_HOST}\nextendedKeyUsage = serverAuth\n`);
    await must(["openssl", "x509", "-req", "-in", file("dd.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("dd.ext"), "-out", file("dd.crt")]);
    const requests: DatadogRequest[] = [];
    const script = `#!/bin/sh\n# webstack rehearsal: stand-in for Datadog's agent installer. Installs nothing.\necho "datadog installer stand-in: agent NOT installed (site $DD_SITE, tags $DD_HOST_TAGS)"\n`;
    const server = https.createServer({ key: fs.readFileSync(file("dd.key")), cert: fs.readFileSync(file("dd.crt")) }, (req, res) => {
        requests.push({ method: req.method ?? "", path: req.url ?? "", from: req.socket.remoteAddress ?? "" });
        if (req.url === "/scripts/install_script_agent7.sh") {
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
