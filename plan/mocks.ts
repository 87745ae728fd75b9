import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** A short, stable hex id derived from a resource's name, so repeated plans are identical. */
function stableId(seed: string, length = 17): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

const ACCOUNT = "123456789012";

function fakePem(kind: string, seed: string): string {
    const body = Buffer.from(`${kind}:${seed}:${stableId(seed, 64)}`).toString("base64");
    return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;
}

/**
 * What AWS, Datadog, TLS and random would report back for each resource and invoke, close
 * enough for the program's Outputs to resolve to realistic values. secretGeneration stands for
 * every generated secret being issued anew (a certificate renewal, a password rotation): another
 * value gives other keys, certificates and passwords.
 */
export function webstackMocks(region: string, secretGeneration = ""): pulumi.runtime.Mocks {
    const pemSeed = (name: string) => (secretGeneration ? `${name}@${secretGeneration}` : name);
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            const id = stableId(`${args.type}/${args.name}`);
            const state: Record<string, unknown> = { ...args.inputs };
            switch (args.type) {
                case "aws:ec2/vpc:Vpc":
                    return { id: `vpc-${id}`, state: { ...state, arn: `arn:aws:ec2:${region}:${ACCOUNT}:vpc/vpc-${id}` } };
                case "aws:ec2/subnet:Subnet":
                    return { id: `subnet-${id}`, state };
                case "aws:ec2/securityGroup:SecurityGroup":
                    return { id: `sg-${id}`, state: { ...state, arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/sg-${id}` } };
                case "aws:ec2/instance:Instance":
                    return { id: `i-${id}`, state: { ...state, arn: `arn:aws:ec2:${region}:${ACCOUNT}:instance/i-${id}`, privateIp: args.inputs.privateIp } };
                case "aws:ec2/eip:Eip": {
                    const n = (parseInt(id.slice(0, 2), 16) % 250) + 2;
                    return { id: `eipalloc-${id}`, state: { ...state, publicIp: `203.0.113.${n}`, publicDns: `ec2-203-0-113-${n}.compute-1.amazonaws.com` } };
                }
                case "aws:s3/bucket:Bucket": {
                    // Pulumi auto-names a bucket <resource name>-<7 random lowercase characters>.
                    const bucket = String(args.inputs.bucket ?? `${args.name}-${id.slice(0, 7)}`);
                    return { id: bucket, state: { ...state, bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` } };
                }
                case "aws:s3/bucketObjectv2:BucketObjectv2":
                    return {
                        id: String(args.inputs.key),
                        state: { ...state, versionId: stableId(`${args.name}/${String(args.inputs.content ?? "")}`, 32), etag: stableId(String(args.inputs.content ?? ""), 32) },
                    };
                case "aws:ebs/volume:Volume":
                    return { id: `vol-${id}`, state: { ...state, arn: `arn:aws:ec2:${region}:${ACCOUNT}:volume/vol-${id}` } };
                case "aws:route53/zone:Zone":
                    return { id: `Z${id.toUpperCase()}`, state: { ...state, zoneId: `Z${id.toUpperCase()}` } };
                case "aws:ssm/parameter:Parameter":
                    return { id: String(args.inputs.name), state: { ...state, arn: `arn:aws:ssm:${region}:${ACCOUNT}:parameter${args.inputs.name}` } };
                case "aws:iam/role:Role":
                case "aws:iam/instanceProfile:InstanceProfile":
                    return { id: args.name, state: { ...state, name: args.name, arn: `arn:aws:iam::${ACCOUNT}:role/${args.name}` } };
                case "aws:rds/instance:Instance":
                    return {
                        id: args.name,
                        state: {
                            ...state,
                            identifier: args.name,
                            address: `${args.name}.c${id.slice(0, 10)}.${region}.rds.amazonaws.com`,
                            port: 3306,
                            arn: `arn:aws:rds:${region}:${ACCOUNT}:db:${args.name}`,
                            // RDS names the secret it manages rds!db-<resource id>-<6 random characters>.
                            masterUserSecrets: args.inputs.manageMasterUserPassword
                                ? [
                                      {
                                          secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:rds!db-${stableId(args.name, 8)}-${stableId(`${args.name}/s`, 6)}`,
                                          secretStatus: "active",
                                          kmsKeyId: `arn:aws:kms:${region}:${ACCOUNT}:key/aws-secretsmanager`,
                                      },
                                  ]
                                : [],
                        },
                    };
                case "aws:rds/subnetGroup:SubnetGroup":
                case "aws:rds/parameterGroup:ParameterGroup":
                    return { id: args.name, state: { ...state, name: args.name } };
                case "tls:index/privateKey:PrivateKey":
                    return { id, state: { ...state, privateKeyPem: fakePem("PRIVATE KEY", pemSeed(args.name)), publicKeyPem: fakePem("PUBLIC KEY", pemSeed(args.name)) } };
                case "tls:index/certRequest:CertRequest":
                    return { id, state: { ...state, certRequestPem: fakePem("CERTIFICATE REQUEST", pemSeed(args.name)) } };
                case "tls:index/selfSignedCert:SelfSignedCert":
                case "tls:index/locallySignedCert:LocallySignedCert":
                    return { id, state: { ...state, certPem: fakePem("CERTIFICATE", pemSeed(args.name)) } };
                case "random:index/randomId:RandomId":
                    return { id, state: { ...state, hex: stableId(`${args.name}/hex`, 2 * Number(args.inputs.byteLength ?? 4)) } };
                case "random:index/randomPassword:RandomPassword":
                    return { id, state: { ...state, result: `Mock${stableId(pemSeed(args.name), 28)}` } };
                case "datadog:index/monitor:Monitor":
                    return { id: String(parseInt(id.slice(0, 8), 16)), state };
                case "datadog:index/dashboard:Dashboard":
                    return { id: `abc-${id.slice(0, 3)}-${id.slice(3, 6)}`, state: { ...state, url: `/dashboard/abc-${id.slice(0, 3)}-${id.slice(3, 6)}/webstack` } };
                default:
                    return { id: `${args.name}-id`, state };
            }
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            switch (args.token) {
                case "aws:index/getRegion:getRegion":
                    return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
                case "aws:index/getAvailabilityZones:getAvailabilityZones":
                    return { names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: ["az1", "az2", "az3"].map((z) => `use1-${z}`), id: region };
                case "aws:ec2/getAmi:getAmi":
                    return { id: "ami-0d3b1e5c0debian13", imageId: "ami-0d3b1e5c0debian13", name: "debian-13-amd64-20261101-2280", ownerId: "136693071363", architecture: "x86_64" };
                case "aws:ec2/getSubnet:getSubnet":
                    return { id: args.inputs.id, availabilityZone: `${region}a`, availabilityZoneId: "use1-az1", cidrBlock: "10.20.0.0/20", vpcId: "vpc-mock" };
                case "aws:ssm/getParameter:getParameter":
                    return { name: args.inputs.name, type: "String", value: "ami-0123456789abcdef0", insecureValue: "ami-0123456789abcdef0", version: 1, arn: "", id: args.inputs.name };
                default:
                    throw new Error(`webstack mocks: no mock for invoke ${args.token}`);
            }
        },
    };
}
