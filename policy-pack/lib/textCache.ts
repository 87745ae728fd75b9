// Parse once, read many times. Several policies read the same user data and the config files
// in it (haproxy.cfg, my.cnf), and the engine hands every policy its own copy of each
// resource's props, so without a cache every policy re-parsed every server's user data (about
// 1 ms each, seven times per server per evaluation). Results are keyed by the text itself —
// the same text always parses to the same value — and frozen, so no policy can change what
// the next one reads. Each cache is bounded by the total length of the texts it holds, so a
// huge stack evicts its oldest entries instead of growing without limit.

/** Default bound per cache: 32 Mi characters of key text (2,000 user data documents at EC2's 16 KiB limit). */
export const DEFAULT_MAX_TEXT_CHARS = 32 * 1024 * 1024;

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
 */
export function cachedByText<T>(parse: (text: string) => T, maxTextChars: number = DEFAULT_MAX_TEXT_CHARS): (text: string) => T {
    const entries = new Map<string, T>();
    let heldChars = 0;
    caches.push({
        clear: () => {
            entries.clear();
            heldChars = 0;
        },
    });
    return (text: string): T => {
        const hit = entries.get(text);
        if (hit !== undefined || entries.has(text)) {
            return hit as T;
        }
        const value = deepFreeze(parse(text));
        if (text.length > maxTextChars) {
            return value;
        }
        // Map iteration is insertion order: the first keys are the oldest entries.
        for (const oldest of entries.keys()) {
            if (heldChars + text.length <= maxTextChars) {
                break;
            }
            entries.delete(oldest);
            heldChars -= oldest.length;
        }
        entries.set(text, value);
        heldChars += text.length;
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
