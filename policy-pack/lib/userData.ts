// Reads the user data of an EC2 instance or launch template into a shape the policies can
// inspect: the raw text plus, for cloud-config documents, the packages, written files and
// commands. Policies judge what a server really runs from this, never from tags or names.
import * as zlib from "zlib";
import * as YAML from "js-yaml";
import { cachedByText } from "./textCache";
import { INSTANCE_SHAPED, LAUNCH_TEMPLATE } from "./types";

export interface WrittenFile {
    path: string;
    content: string;
}

export interface UserData {
    /** "cloud-config" when the document parsed as #cloud-config YAML, else "script" (raw text only). */
    kind: "cloud-config" | "script";
    /** The decoded user data text. */
    text: string;
    /** Package names (versions stripped). Empty for scripts. */
    packages: string[];
    /** write_files entries with decoded content. Empty for scripts. */
    files: WrittenFile[];
    /** runcmd entries, array forms joined with spaces. Empty for scripts. */
    runcmd: string[];
}

/** Returns text when the value is a plain string; anything else (unknown Output, secret wrapper) is unknown. */
function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** User data arrives as text, base64 text, or base64 gzip (launch templates always base64). */
export function decodeUserDataText(value: string): string {
    const trimmed = value.trimStart();
    if (trimmed.startsWith("#") || trimmed.includes("\n")) {
        return value;
    }
    if (!/^[A-Za-z0-9+/=\s]+$/.test(trimmed) || trimmed.length === 0) {
        return value;
    }
    const bytes = Buffer.from(trimmed, "base64");
    if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
        try {
            return zlib.gunzipSync(bytes).toString("utf8");
        } catch {
            return value;
        }
    }
    const decoded = bytes.toString("utf8");
    // Only accept the decoding when it produced readable text; otherwise keep the original.
    return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(decoded) && decoded.trimStart().startsWith("#") ? decoded : value;
}

function decodeFileContent(content: unknown, encoding: unknown): string {
    if (typeof content !== "string") {
        return "";
    }
    const enc = typeof encoding === "string" ? encoding.toLowerCase() : "";
    try {
        if (enc === "b64" || enc === "base64") {
            return Buffer.from(content, "base64").toString("utf8");
        }
        if (enc === "gz+b64" || enc === "gzip+base64" || enc === "gz+base64" || enc === "gzip+b64") {
            return zlib.gunzipSync(Buffer.from(content, "base64")).toString("utf8");
        }
    } catch {
        return "";
    }
    return content;
}

/** Parses decoded user data text. Non-cloud-config text (e.g. a #! script) is kept as raw text. */
export function parseUserDataText(text: string): UserData {
    const empty: UserData = { kind: "script", text, packages: [], files: [], runcmd: [] };
    if (!text.trimStart().startsWith("#cloud-config")) {
        return empty;
    }
    let doc: unknown;
    if (text.split("\n").every((line) => /^\s*(#.*)?$/.test(line))) {
        return { ...empty, kind: "cloud-config" }; // only comments: js-yaml refuses an empty document
    }
    try {
        // js-yaml, not the program's `yaml`: it parses a server bundle about 4x faster, and the
        // pack parses every distinct bundle of a stack (its budget: 1 s over 10,000 resources).
        doc = YAML.load(text);
    } catch {
        return empty;
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        return { ...empty, kind: "cloud-config" };
    }
    const d = doc as Record<string, unknown>;
    const packages = (Array.isArray(d.packages) ? d.packages : [])
        .map((p: unknown) => (Array.isArray(p) ? p[0] : p))
        .filter((p: unknown): p is string => typeof p === "string")
        .map((p: string) => p.split("=")[0].trim());
    const files = (Array.isArray(d.write_files) ? d.write_files : [])
        .filter((f: unknown): f is Record<string, unknown> => f !== null && typeof f === "object")
        .filter((f: Record<string, unknown>) => typeof f.path === "string")
        .map((f: Record<string, unknown>) => ({ path: f.path as string, content: decodeFileContent(f.content, f.encoding) }));
    const runcmd = (Array.isArray(d.runcmd) ? d.runcmd : []).map((c: unknown) => (Array.isArray(c) ? c.map(String).join(" ") : typeof c === "string" ? c : "")).filter((c: string) => c.length > 0);
    return { kind: "cloud-config", text, packages, files, runcmd };
}

/**
 * Reads user data from resource props: `userData` (instance text or launch template base64)
 * and `userDataBase64`. Returns undefined when it is absent or not yet known (preview).
 * Equal texts give the same frozen object, parsed once.
 */
export function readUserData(props: Record<string, unknown> | undefined): UserData | undefined {
    if (!props) {
        return undefined;
    }
    const raw = asString(props.userData) ?? asString(props.userDataBase64);
    if (raw === undefined || raw.length === 0) {
        return undefined;
    }
    return decodeAndParse(raw);
}

/** Decoded and parsed once per text for all policies; the result is frozen (see textCache.ts). */
const decodeAndParse = cachedByText((raw: string) => parseUserDataText(decodeUserDataText(raw)));

/** The content of the written file at `path`, if any (last write wins, as in cloud-init). */
export function fileContent(ud: UserData, path: string): string | undefined {
    const matches = ud.files.filter((f) => f.path === path);
    return matches.length > 0 ? matches[matches.length - 1].content : undefined;
}

/** All texts that end up executed or written on the server: raw text, file contents, commands. */
export function allTexts(ud: UserData): string[] {
    return [ud.text, ...ud.files.map((f) => f.content), ...ud.runcmd];
}

/** True for resource types that launch servers and carry their user data: instances, launch templates, launch configurations, spot requests. */
export function isServerType(type: string): boolean {
    return INSTANCE_SHAPED.includes(type) || type === LAUNCH_TEMPLATE;
}
