// Hard limit: EC2 refuses user data over 16 KB "in raw form, before it is base64-encoded"
// (EC2 User Guide, "Run commands when you launch an EC2 instance with user data input").
// A stack that passes preview would fail at `pulumi up` on the first server.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { policySchema } from "../lib/configSchema";
import { obj, str } from "../lib/props";
import { EC2_INSTANCE, LAUNCH_TEMPLATE } from "../lib/types";

/** EC2's limit, in bytes of the raw (not base64-encoded) user data. */
export const USER_DATA_LIMIT_BYTES = 16384;

/**
 * The raw size AWS counts: `userData` on an instance is sent as the text given (the provider
 * base64-encodes it); `userDataBase64` and a launch template's `userData` are base64 of the
 * raw bytes (gzip included: compressed bytes are what count). Undefined when unknown.
 */
export function rawUserDataBytes(type: string, props: Record<string, unknown>): { bytes: number; input: string } | undefined {
    const base64 = (value: string) => Buffer.from(value.replace(/\s+/g, ""), "base64").length;
    if (type === EC2_INSTANCE) {
        const text = str(props.userData);
        if (text !== undefined) return { bytes: Buffer.byteLength(text, "utf8"), input: "userData" };
        const encoded = str(props.userDataBase64);
        if (encoded !== undefined) return { bytes: base64(encoded), input: "userDataBase64" };
        return undefined;
    }
    if (type === LAUNCH_TEMPLATE) {
        const encoded = str(props.userData);
        return encoded !== undefined ? { bytes: base64(encoded), input: "userData (base64)" } : undefined;
    }
    return undefined;
}

export const userDataSizeLimit: ResourceValidationPolicy = {
    name: "user-data-size-limit",
    description: `EC2 user data must fit EC2's limit of ${USER_DATA_LIMIT_BYTES} bytes (raw, before base64), on instances and launch templates.`,
    enforcementLevel: "advisory",
    configSchema: policySchema({}),
    validateResource: (args, reportViolation) => {
        const size = rawUserDataBytes(args.type, obj(args.props) ?? {});
        if (size && size.bytes > USER_DATA_LIMIT_BYTES) {
            reportViolation(
                `${args.name}: ${size.input} is ${size.bytes} bytes; EC2 refuses more than ${USER_DATA_LIMIT_BYTES} bytes of raw user data, so launching it fails. ` +
                    "Move files out of the user data (fetch them at boot from S3 or SSM), or gzip it into `userDataBase64` (cloud-init reads gzip).",
            );
        }
    },
};
