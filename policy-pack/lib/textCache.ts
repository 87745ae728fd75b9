// Parse once, read many times. Several policies read the same user data and the config files
// in it (haproxy.cfg, my.cnf), and the engine hands every policy its own copy of each
// resource's props, so without a cache every policy re-parsed every server's user data (about
// 1 ms each, seven times per server per evaluation). Results are keyed by the text itself —
// the same text always parses to the same value — and frozen, so no policy can change what
// the next one reads. Each cache is bounded by the total length of the texts it holds, so a
// huge stack evicts its oldest entries instead of growing without limit.
//
// Long texts are not used as Map keys directly: V8 hashes a string longer than 16,383
// characters by its length alone, so same-length texts (the bundles of a fleet of similar
// servers) all collide and every lookup compared the text with each of them in turn — the
// pack's largest cost on a 10,000-resource stack. They are keyed by their SHA-1 instead, and
// the entry keeps the text so a hit is still checked against the exact text. Hashing a long
// text costs about as much as comparing it, so a caller that knows where a text comes from
// (the S3 object a bundle is) can name that place: the text last read there is compared first,
// and only a changed or new text is hashed. Every stack policy reads every bundle, and the
// comparison is a pointer check when both are the same string, a memcmp otherwise.
import { createHash } from "crypto";

/** Default bound per cache: 32 Mi characters of key text (2,000 user data documents at EC2's 16 KiB limit). */
export const DEFAULT_MAX_TEXT_CHARS = 32 * 1024 * 1024;

/** Texts up to this length are their own key (V8 hashes their content); longer ones are keyed by digest. */
export const LONG_TEXT_CHARS = 16 * 1024 - 1;

/** The Map key of a text: itself when V8 hashes it well, else its length and SHA-1 (see above). */
export function textKey(text: string): string {
    return text.length <= LONG_TEXT_CHARS ? text : `${text.length}:${createHash("sha1").update(text).digest("base64")}`;
}

/** Slots remembered per cache before they are forgotten all at once (a slot is only a shortcut). */
export const MAX_SLOTS = 100_000;

interface TextCache {
    clear(): void;
}

const caches: TextCache[] = [];

/** Freezes a parsed value and everything it holds (objects and arrays), so a shared result stays as parsed. */
export function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const key of Object.keys(value)) {
            deepFreeze((value as Record<string, unknown>)[key]);
        }
    }
    return value;
}

/**
 * `parse` memoised by its text argument. The returned values are deep-frozen and shared
 * between callers; a text longer than the bound is parsed every time rather than cached.
 * `slot`, when given, names where the text was read (e.g. an S3 bucket and key): a text equal
 * to the one last read at that slot is found without hashing it.
 */
export function cachedByText<T>(parse: (text: string) => T, maxTextChars: number = DEFAULT_MAX_TEXT_CHARS): (text: string, slot?: string) => T {
    const entries = new Map<string, { text: string; value: T }>();
    /** Slot → key of the entry last read there. Keys are short (digests), so the map is small; bounded by MAX_SLOTS. */
    const slots = new Map<string, string>();
    let heldChars = 0;
    caches.push({
        clear: () => {
            entries.clear();
            slots.clear();
            heldChars = 0;
        },
    });
    const remember = (slot: string | undefined, key: string): void => {
        if (slot === undefined) {
            return;
        }
        if (slots.size >= MAX_SLOTS && !slots.has(slot)) {
            slots.clear();
        }
        slots.set(slot, key);
    };
    return (text: string, slot?: string): T => {
        const slotKey = slot === undefined ? undefined : slots.get(slot);
        const inSlot = slotKey === undefined ? undefined : entries.get(slotKey);
        if (inSlot !== undefined && inSlot.text === text) {
            return inSlot.value;
        }
        const key = textKey(text);
        const hit = entries.get(key);
        // The digest makes a collision practically impossible; the comparison makes it impossible.
        if (hit !== undefined && hit.text === text) {
            remember(slot, key);
            return hit.value;
        }
        const value = deepFreeze(parse(text));
        if (text.length > maxTextChars || hit !== undefined) {
            return value;
        }
        // Map iteration is insertion order: the first entries are the oldest.
        for (const [oldestKey, oldest] of entries) {
            if (heldChars + text.length <= maxTextChars) {
                break;
            }
            entries.delete(oldestKey);
            heldChars -= oldest.text.length;
        }
        entries.set(key, { text, value });
        heldChars += text.length;
        remember(slot, key);
        return value;
    };
}

/**
 * Empties every text cache. The offline evaluator (plan/evaluatePolicies.ts) calls it when an
 * evaluation ends, so parsed texts live for one evaluation; under `pulumi preview` the policy
 * analyzer is a process per preview and the bound above limits what it keeps.
 */
export function clearTextCaches(): void {
    for (const cache of caches) {
        cache.clear();
    }
}
