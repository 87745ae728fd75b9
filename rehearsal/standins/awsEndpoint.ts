import * as crypto from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { describeStatement, evaluateRequest, NamedPolicy } from "../../policy-pack/lib/iam/evaluate";

/**
 * A local stand-in for the AWS APIs a server's boot calls, at their real interface: the AWS
 * CLI reaches it through AWS_ENDPOINT_URL with stand-in credentials. It speaks SSM's JSON 1.1
 * protocol (GetParameter, GetParameters) and S3's REST protocol for GetObject (path-style, as
 * the CLI addresses a custom endpoint), checks every request's SigV4 signature with the
 * caller's secret key, and authorizes it against the caller's instance role the way IAM
 * evaluates identity policies (policy-pack/lib/iam/evaluate.ts). A server that asks for
 * another server's parameter gets AWS's AccessDeniedException.
 */

export interface StandInParameter {
    name: string;
    value: string;
    type?: "SecureString" | "String";
    version?: number;
}

/** One server's stand-in credentials and the instance role they stand for. */
export interface StandInPrincipal {
    accessKeyId: string;
    secretAccessKey: string;
    roleName: string;
    /** The instance's resource name: the role session name AWS would show. */
    instanceName: string;
    policies: NamedPolicy[];
}

/** An S3 object; each put makes a new version, as in a versioned bucket. */
export interface StandInObject {
    bucket: string;
    key: string;
    body: string;
}

export interface AwsStandInOptions {
    host: string;
    /** 0 picks a free port. */
    port: number;
    region: string;
    accountId: string;
    parameters: StandInParameter[];
    objects?: StandInObject[];
    principals: StandInPrincipal[];
}

export interface AwsRequestRecord {
    time: string;
    accessKeyId: string;
    instanceName?: string;
    action: string;
    resource: string;
    decision: "allow" | "deny" | "error";
    /** The statement that allowed or denied, or the error code. */
    detail?: string;
    /** The HTTP status the caller got, and AWS's error code if it was an error. */
    status?: number;
    error?: string;
}

export interface AwsStandIn {
    url: string;
    requests: AwsRequestRecord[];
    /** Stores a new version of an object (a `pulumi up` updating a bundle); returns its version id. */
    putObject(object: StandInObject): string;
    /** Stores a new version of a parameter (a rotation or a renewed key); returns its version. */
    putParameter(name: string, value: string): number;
    /** A new instance's role credentials (a server added to a running stack). */
    addPrincipal(principal: StandInPrincipal): void;
    stop(): Promise<void>;
}

class AwsError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

export async function startAwsStandIn(options: AwsStandInOptions): Promise<AwsStandIn> {
    const parameters = new Map(options.parameters.map((p) => [p.name, p]));
    const objects = new Map<string, { body: string; versionId: string; modified: Date }>();
    const putObject = (object: StandInObject) => {
        const versionId = crypto.randomBytes(16).toString("base64url");
        objects.set(`${object.bucket}/${object.key}`, { body: object.body, versionId, modified: new Date() });
        return versionId;
    };
    for (const object of options.objects ?? []) putObject(object);
    const principals = new Map(options.principals.map((p) => [p.accessKeyId, p]));
    const requests: AwsRequestRecord[] = [];
    const arnOf = (name: string) => `arn:aws:ssm:${options.region}:${options.accountId}:parameter${name.startsWith("/") ? "" : "/"}${name}`;

    const handle = (req: http.IncomingMessage, body: Buffer): { status: number; payload: unknown; raw?: { body: string; headers: Record<string, string> } } => {
        const principal = authenticate(req, body, principals);
        if (credentialOf(req)?.service === "s3") {
            return getObject(req, principal);
        }
        const target = String(req.headers["x-amz-target"] ?? "");
        const input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
        const authorize = (action: string, resource: string) =>
            authorizeFor(principal)(action, resource, (detail, decision) => {
                const why = decision === "explicit-deny" ? `with an explicit deny in an identity-based policy (${detail})` : "because no identity-based policy allows the " + action + " action";
                return new AwsError(
                    400,
                    "AccessDeniedException",
                    `User: arn:aws:sts::${options.accountId}:assumed-role/${principal.roleName}/${principal.instanceName} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
                );
            });
        return ssm(target, input, authorize);
    };

    /** Decides a request as IAM evaluates the caller's identity policies, records it, and throws `deny`'s error unless allowed. */
    const authorizeFor = (principal: StandInPrincipal) => (action: string, resource: string, deny: (detail: string, decision: string) => AwsError) => {
        const result = evaluateRequest(principal.policies, action, resource);
        const record: AwsRequestRecord = {
            time: new Date().toISOString(),
            accessKeyId: principal.accessKeyId,
            instanceName: principal.instanceName,
            action,
            resource,
            decision: result.decision === "allow" ? "allow" : "deny",
        };
        record.detail = result.statement ? describeStatement(result.statement) : "no identity-based policy allows it";
        requests.push(record);
        if (result.decision !== "allow") throw deny(record.detail, result.decision);
    };

    /** S3 GetObject, path-style: GET /<bucket>/<key>. Errors are S3's XML documents. */
    const getObject = (req: http.IncomingMessage, principal: StandInPrincipal) => {
        const [, bucket, ...keyParts] = decodeURIComponent(new URL(req.url ?? "/", "http://stand-in").pathname).split("/");
        const key = keyParts.join("/");
        if (req.method !== "GET" || !bucket || !key) {
            throw new AwsError(405, "MethodNotAllowed", `the stand-in serves only GetObject, not ${req.method} ${req.url}`);
        }
        authorizeFor(principal)("s3:GetObject", `arn:aws:s3:::${bucket}/${key}`, () => new AwsError(403, "AccessDenied", "Access Denied"));
        const object = objects.get(`${bucket}/${key}`);
        if (!object) {
            throw new AwsError(404, "NoSuchKey", "The specified key does not exist.");
        }
        return {
            status: 200,
            payload: undefined,
            raw: {
                body: object.body,
                headers: {
                    "Content-Type": "text/cloud-config; charset=utf-8",
                    ETag: `"${crypto.createHash("md5").update(object.body).digest("hex")}"`,
                    "Last-Modified": object.modified.toUTCString(),
                    "x-amz-version-id": object.versionId,
                    "x-amz-server-side-encryption": "AES256",
                },
            },
        };
    };

    const ssm = (target: string, input: Record<string, unknown>, authorize: (action: string, resource: string) => void) => {
        const view = (p: StandInParameter) => ({
            Name: p.name,
            Type: p.type ?? "SecureString",
            Value: p.value,
            Version: p.version ?? 1,
            LastModifiedDate: 1.7637e9,
            ARN: arnOf(p.name),
            DataType: "text",
        });
        switch (target) {
            case "AmazonSSM.GetParameter": {
                const name = String(input.Name ?? "");
                authorize("ssm:GetParameter", arnOf(name));
                const parameter = parameters.get(name);
                if (!parameter) {
                    throw new AwsError(400, "ParameterNotFound", "");
                }
                return { status: 200, payload: { Parameter: view(parameter) } };
            }
            case "AmazonSSM.GetParameters": {
                const names = Array.isArray(input.Names) ? input.Names.map(String) : [];
                for (const name of names) {
                    authorize("ssm:GetParameters", arnOf(name));
                }
                return {
                    status: 200,
                    payload: { Parameters: names.filter((n) => parameters.has(n)).map((n) => view(parameters.get(n)!)), InvalidParameters: names.filter((n) => !parameters.has(n)) },
                };
            }
            default:
                throw new AwsError(400, "UnknownOperationException", `the stand-in does not serve ${target || "(no X-Amz-Target)"}`);
        }
    };

    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            let status: number;
            let payload: unknown;
            let raw: { body: string; headers: Record<string, string> } | undefined;
            const recordedBefore = requests.length;
            const s3 = credentialOf(req)?.service === "s3";
            try {
                ({ status, payload, raw } = handle(req, Buffer.concat(chunks)));
            } catch (error) {
                const aws = error instanceof AwsError ? error : new AwsError(500, "InternalServerError", (error as Error).message);
                status = aws.status;
                payload = { __type: aws.code, message: aws.message };
                if (s3) {
                    raw = { body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${aws.code}</Code><Message>${aws.message}</Message></Error>`, headers: { "Content-Type": "application/xml" } };
                }
                if (!(error instanceof AwsError) || (aws.code !== "AccessDeniedException" && aws.code !== "AccessDenied")) {
                    requests.push({
                        time: new Date().toISOString(),
                        accessKeyId: credentialOf(req)?.accessKeyId ?? "",
                        action: String(req.headers["x-amz-target"] ?? ""),
                        resource: "",
                        decision: "error",
                        detail: aws.code,
                    });
                }
            }
            // The record this request produced (authorization) learns how it ended.
            const record = requests.length > recordedBefore ? requests[requests.length - 1] : undefined;
            if (record) {
                record.status = status;
                record.error = status === 200 ? undefined : (payload as { __type?: string }).__type;
            }
            if (raw) {
                res.writeHead(status, { ...raw.headers, "Content-Length": Buffer.byteLength(raw.body), "x-amz-request-id": crypto.randomUUID() });
                res.end(req.method === "HEAD" ? undefined : raw.body);
                return;
            }
            const text = JSON.stringify(payload);
            res.writeHead(status, { "Content-Type": "application/x-amz-json-1.1", "Content-Length": Buffer.byteLength(text), "x-amzn-RequestId": crypto.randomUUID() });
            res.end(text);
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port, options.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return {
        url: `http://${options.host}:${address.port}`,
        requests,
        putObject,
        putParameter: (name, value) => {
            const current = parameters.get(name);
            const version = (current ? (current.version ?? 1) : 0) + 1;
            parameters.set(name, { name, value, type: current?.type ?? "SecureString", version });
            return version;
        },
        addPrincipal: (principal) => {
            if (principals.has(principal.accessKeyId)) throw new Error(`access key ${principal.accessKeyId} is already a principal`);
            principals.set(principal.accessKeyId, principal);
        },
        stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
}

interface Credential {
    accessKeyId: string;
    date: string;
    region: string;
    service: string;
    signedHeaders: string[];
    signature: string;
}

function credentialOf(req: http.IncomingMessage): Credential | undefined {
    const header = String(req.headers.authorization ?? "");
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(header);
    return m ? { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(";"), signature: m[6] } : undefined;
}

/**
 * SigV4 as AWS checks it (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
 * the canonical request over the signed headers and the payload hash, signed with a key
 * derived from the caller's secret, date, region and service.
 */
function authenticate(req: http.IncomingMessage, body: Buffer, principals: Map<string, StandInPrincipal>): StandInPrincipal {
    const credential = credentialOf(req);
    if (!credential) {
        throw new AwsError(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    const principal = principals.get(credential.accessKeyId);
    if (!principal) {
        throw new AwsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    const url = new URL(req.url ?? "/", "http://stand-in");
    const canonicalQuery = [...url.searchParams.entries()]
        .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join("&");
    const canonicalHeaders = credential.signedHeaders
        .map(
            (name) =>
                `${name}:${String(req.headers[name] ?? "")
                    .trim()
                    .replace(/\s+/g, " ")}\n`,
        )
        .join("");
    const payloadHash = String(req.headers["x-amz-content-sha256"] ?? crypto.createHash("sha256").update(body).digest("hex"));
    const canonicalRequest = [req.method, url.pathname, canonicalQuery, canonicalHeaders, credential.signedHeaders.join(";"), payloadHash].join("\n");
    const scope = `${credential.date}/${credential.region}/${credential.service}/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, crypto.createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
    const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();
    const signingKey = hmac(hmac(hmac(hmac(`AWS4${principal.secretAccessKey}`, credential.date), credential.region), credential.service), "aws4_request");
    const expected = crypto.createHmac("sha256", signingKey).update(stringToSign).digest("hex");
    if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(credential.signature))) {
        throw new AwsError(400, "InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.");
    }
    return principal;
}

function encodeRfc3986(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
