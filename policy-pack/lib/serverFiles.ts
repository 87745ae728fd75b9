// What a server runs, wherever its files come from: its user data, plus the configuration
// bundle(s) the user data fetches from S3 (the webstack program's servers carry a small boot
// script and pull everything else as one cloud-config object per server). Every policy that
// judges a server's files and the plan read them through readServerFiles, so a program that
// moves its files out of the user data is judged on the same files as before.
import { cachedByText, deepFreeze } from "./textCache";
import { allTexts, parseUserDataText, readUserData, UserData } from "./userData";

export const BUCKET_OBJECT_TYPES = ["aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"];

/** A resource as a stack policy sees it. */
export interface StackResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/** An S3 object the user data names: by the boot script's KEY=value lines or by an s3:// URI. */
export interface BundleReference {
    bucket?: string;
    key: string;
}

/** The references of each (frozen, parsed-once) user data: every stack policy asks for every server's. */
const referencesOf = new WeakMap<UserData, BundleReference[]>();

/** The S3 objects a user data fetches: webstack's BUNDLE_BUCKET / BUNDLE_KEY lines, or any s3://bucket/key. */
export function bundleReferences(ud: UserData): BundleReference[] {
    const known = referencesOf.get(ud);
    if (known) {
        return known;
    }
    const text = allTexts(ud).join("\n");
    const refs: BundleReference[] = [];
    const key = /^BUNDLE_KEY=(\S+)$/m.exec(text)?.[1];
    if (key) {
        refs.push({ bucket: /^BUNDLE_BUCKET=(\S+)$/m.exec(text)?.[1], key });
    }
    for (const m of text.matchAll(/\bs3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^\s'"`;|&]+)/g)) {
        refs.push({ bucket: m[1], key: m[2] });
    }
    if (Object.isFrozen(ud)) {
        referencesOf.set(ud, deepFreeze(refs));
    }
    return refs;
}

interface BundleObject {
    bucket?: string;
    key: string;
    /** Undefined while the content is not known (a preview of an Output). */
    content?: string;
}

const parseBundle = cachedByText((content: string) => parseUserDataText(content));
const bundleIndexes = new WeakMap<readonly StackResource[], Map<string, BundleObject[]>>();

/** Where a bundle's text is read: its bucket and key (the text cache's slot, see textCache.ts). */
function bundleSlot(bucket: string | undefined, key: string): string {
    return `${bucket ?? ""}\u0000${key}`;
}

/**
 * The stack's S3 objects by key, built once per resource list. Contents are parsed only when a
 * server names the object (parseBundle, once per text for all policies).
 */
function bundleObjectsByKey(resources: readonly StackResource[]): Map<string, BundleObject[]> {
    let byKey = bundleIndexes.get(resources);
    if (!byKey) {
        byKey = new Map();
        for (const r of resources) {
            if (!BUCKET_OBJECT_TYPES.includes(r.type) || typeof r.props.key !== "string") {
                continue;
            }
            const o: BundleObject = {
                bucket: typeof r.props.bucket === "string" ? r.props.bucket : undefined,
                key: r.props.key,
                content: typeof r.props.content === "string" ? r.props.content : undefined,
            };
            const same = byKey.get(o.key);
            if (same) {
                same.push(o);
            } else {
                byKey.set(o.key, [o]);
            }
        }
        bundleIndexes.set(resources, byKey);
    }
    return byKey;
}

/** The server files of a bundle object (its content as cloud-config), if it is one. */
export function readBundleObject(props: Record<string, unknown>): UserData | undefined {
    if (typeof props.content !== "string" || !props.content.trimStart().startsWith("#cloud-config")) {
        return undefined;
    }
    const slot = typeof props.key === "string" ? bundleSlot(typeof props.bucket === "string" ? props.bucket : undefined, props.key) : undefined;
    return parseBundle(props.content, slot);
}

/** Merges kept per user data; one user data names the same bundles in one stack, so one is the usual count. */
const MAX_MERGES_PER_USER_DATA = 4;

/** Merges already made, per user data: the bundles merged with it and the (frozen) result. */
const mergesOf = new WeakMap<UserData, { bundles: UserData[]; merged: UserData }[]>();

/** mergeServerFiles, once per user data and bundles (all frozen and parsed once), frozen so later readers can cache by it too. */
function mergedOnce(ud: UserData, bundles: UserData[]): UserData {
    let merges = mergesOf.get(ud);
    if (!merges) {
        merges = [];
        mergesOf.set(ud, merges);
    }
    const done = merges.find((m) => m.bundles.length === bundles.length && m.bundles.every((b, i) => b === bundles[i]));
    if (done) {
        return done.merged;
    }
    const merged = deepFreeze(mergeServerFiles(ud, bundles));
    // A long-lived process keeps a user data's parse while its bundles change between
    // evaluations: keep the latest few merges, not one per evaluation.
    if (merges.length >= MAX_MERGES_PER_USER_DATA) {
        merges.shift();
    }
    merges.push({ bundles, merged });
    return merged;
}

/**
 * A server's files: its user data merged with every bundle it names that the stack holds.
 * Undefined when the user data is unknown, or when it names a bundle whose content cannot be
 * read here (not in the stack, or not known yet): a policy cannot judge files it cannot see.
 */
export function readServerFiles(server: StackResource, resources: readonly StackResource[]): UserData | undefined {
    const ud = readUserData(server.props);
    if (!ud) {
        return undefined;
    }
    const refs = bundleReferences(ud);
    if (refs.length === 0) {
        return ud;
    }
    const objects = bundleObjectsByKey(resources);
    const bundles: UserData[] = [];
    for (const ref of refs) {
        // The bucket's name is unknown in a preview before the bucket exists: the key alone must then be unique.
        const matches = (objects.get(ref.key) ?? []).filter((o) => o.bucket === undefined || ref.bucket === undefined || o.bucket === ref.bucket);
        if (matches.length !== 1 || matches[0].content === undefined) {
            return undefined;
        }
        bundles.push(parseBundle(matches[0].content, bundleSlot(matches[0].bucket, matches[0].key)));
    }
    // Parsed texts are frozen, so the merge can be shared; a user data too long for the cache is not.
    return Object.isFrozen(ud) && bundles.every(Object.isFrozen) ? mergedOnce(ud, bundles) : mergeServerFiles(ud, bundles);
}

/** User data then bundles, in the order they are applied (later files win, as in cloud-init). */
export function mergeServerFiles(ud: UserData, bundles: UserData[]): UserData {
    const all = [ud, ...bundles];
    return {
        // A script's files are only in its text: the merge is read as text unless every part is cloud-config.
        kind: all.every((u) => u.kind === "cloud-config") ? "cloud-config" : "script",
        // Concatenated, not joined: a concatenation is only copied into one string when read, and
        // policies rarely read a merged text (a cloud-config's files are read one by one).
        text: all.map((u) => u.text).reduce((joined, text) => `${joined}\n${text}`),
        packages: [...new Set(all.flatMap((u) => u.packages))],
        files: all.flatMap((u) => u.files),
        runcmd: all.flatMap((u) => u.runcmd),
    };
}
