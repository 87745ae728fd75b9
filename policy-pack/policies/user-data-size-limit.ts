// Hard limit: EC2 refuses user data over 16 KB "in raw form, before it is base64-encoded"
// (EC2 User Guide, "Run commands when you launch an EC2 instance with user data input").
// A stack that passes preview would fail at `pulumi up` on the first server.
import { definePolicy } from "../lib/definePolicy";
import { obj, str } from "../lib/props";
import { EC2_INSTANCE, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE, SPOT_FLEET_REQUEST, SPOT_INSTANCE_REQUEST, spotFleetLaunchSpecifications } from "../lib/types";

/** EC2's limit, in bytes of the raw (not base64-encoded) user data. */
export const USER_DATA_LIMIT_BYTES = 16384;

/** Bytes behind a base64 text (whitespace ignored, as AWS and Go's decoder do). */
function base64Bytes(value: string): number {
    return Buffer.from(value.replace(/\s+/g, ""), "base64").length;
}

/** Go's base64.StdEncoding.DecodeString accepting the text (it skips \r and \n only). */
function isStdBase64(value: string): boolean {
    const compact = value.replace(/[\r\n]/g, "");
    return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}

/**
 * The provider sends a launch configuration's, spot instance request's or spot fleet launch
 * specification's `userData` text through Base64EncodeOnce (terraform-provider-aws
 * flex.StringValueToBase64String): text that already is base64 goes as is, so its decoded
 * bytes are what count; any other text is encoded, so its UTF-8 bytes count.
 */
function textUserDataBytes(text: string): number {
    return text.length > 0 && isStdBase64(text) ? base64Bytes(text) : Buffer.byteLength(text, "utf8");
}

/**
 * The raw size AWS counts: `userData` on an instance is sent as the text given (the provider
 * base64-encodes it); `userDataBase64` and a launch template's `userData` are base64 of the
 * raw bytes (gzip included: compressed bytes are what count). Undefined when unknown.
 */
export function rawUserDataBytes(type: string, props: Record<string, unknown>): { bytes: number; input: string } | undefined {
    if (type === EC2_INSTANCE) {
        const text = str(props.userData);
        if (text !== undefined) return { bytes: Buffer.byteLength(text, "utf8"), input: "userData" };
        const encoded = str(props.userDataBase64);
        if (encoded !== undefined) return { bytes: base64Bytes(encoded), input: "userDataBase64" };
        return undefined;
    }
    if (type === LAUNCH_CONFIGURATION || type === SPOT_INSTANCE_REQUEST) {
        const text = str(props.userData);
        if (text !== undefined) return { bytes: textUserDataBytes(text), input: "userData" };
        const encoded = str(props.userDataBase64);
        if (encoded !== undefined) return { bytes: base64Bytes(encoded), input: "userDataBase64" };
        return undefined;
    }
    if (type === LAUNCH_TEMPLATE) {
        const encoded = str(props.userData);
        return encoded !== undefined ? { bytes: base64Bytes(encoded), input: "userData (base64)" } : undefined;
    }
    return undefined;
}

/** Every user data a resource launches with: one for instance-shaped resources, one per inline launch specification of a spot fleet. */
export function userDataSizes(type: string, props: Record<string, unknown>): { bytes: number; input: string }[] {
    if (type === SPOT_FLEET_REQUEST) {
        return spotFleetLaunchSpecifications(props).flatMap((spec, i) => {
            const text = str(spec.userData);
            return text !== undefined ? [{ bytes: textUserDataBytes(text), input: `launchSpecifications[${i}].userData` }] : [];
        });
    }
    const size = rawUserDataBytes(type, props);
    return size ? [size] : [];
}

export const userDataSizeLimit = definePolicy({
    name: "user-data-size-limit",
    category: "aws-limit",
    severity: "medium",
    description: `EC2 user data must fit EC2's limit of ${USER_DATA_LIMIT_BYTES} bytes (raw, before base64), on instances, launch templates, launch configurations, spot requests and spot fleets' inline launch specifications (EC2 Fleets and Auto Scaling groups launch from launch templates or configurations, judged as such).`,
    validateResource: (args, reportViolation) => {
        for (const size of userDataSizes(args.type, obj(args.props) ?? {})) {
            if (size.bytes <= USER_DATA_LIMIT_BYTES) {
                continue;
            }
            reportViolation(
                `${args.name}: ${size.input} is ${size.bytes} bytes; EC2 refuses more than ${USER_DATA_LIMIT_BYTES} bytes of raw user data, so launching it fails. ` +
                    "Move files out of the user data (fetch them at boot from S3 or SSM), or gzip it " +
                    (size.input.startsWith("launchSpecifications[")
                        ? `and give its base64 in \`${size.input}\` (the provider sends base64 text as is; cloud-init reads gzip).`
                        : "into `userDataBase64` (cloud-init reads gzip)."),
            );
        }
    },
});
