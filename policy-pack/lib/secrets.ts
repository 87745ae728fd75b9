// Detects secrets written literally into user data. User data is readable by anyone who can
// call ec2:DescribeInstanceAttribute and by every process on the host via IMDS, so secrets
// must be fetched at boot (SSM/Secrets Manager) instead. References to shell variables or
// command substitutions are not secrets and must not be reported.
import { cachedByText, LONG_TEXT_CHARS } from "./textCache";

export interface SecretFinding {
    kind: string;
    /** What was found, never the secret itself. */
    detail: string;
}

/** Keys that name where a secret lives (file, parameter name...) rather than holding it. */
const NON_SECRET_KEY = /(file|path|param|parameter|name|arn|policy|length|ssm|prefix|dir|command|cmd|env|var|hash_algo|plugin)$/i;

/** A value is a literal secret unless it is empty or refers to something else ($VAR, ${VAR}, $(cmd), `cmd`, {{template}}). */
export function isLiteralValue(raw: string): boolean {
    let v = raw.trim().replace(/[;,)]+$/, "");
    v = v.replace(/^(["'])(.*)\1$/, "$2").trim();
    if (v === "" || v === '""' || v === "''") {
        return false;
    }
    if (/[$`]/.test(v) || v.startsWith("{{") || v.startsWith("%(") || v.startsWith("<") || v.startsWith("/")) {
        return false;
    }
    // Code such as `password=read_password()` or `password=os.environ["X"]` reads the value at run time.
    if (/^[A-Za-z_][\w.]*[([]/.test(v)) {
        return false;
    }
    // `password=` followed directly by another option, e.g. `--password= --user`, is not a value.
    return !v.startsWith("-");
}

/** KEY=value / KEY: value where the key names a password or secret (not after `$`, a word, `{`, `.` or `:`). */
const PASSWORD_ASSIGNMENT = /(?<![$\w{.:])((?:[A-Za-z_][\w.-]*?)?(?:password|passwd|pwd|secret)[\w.-]*)\s*[:=][ \t]*("[^"\n]*"|'[^'\n]*'|[^\s"']+)/iy;
/** The words a PASSWORD_ASSIGNMENT key must contain, with the same flags. */
const PASSWORD_WORD = /password|passwd|pwd|secret/gi;

/** A character of PASSWORD_ASSIGNMENT's key, [\w.-]. */
function isKeyChar(code: number): boolean {
    return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 45;
}

/**
 * The matches of PASSWORD_ASSIGNMENT in text, as text.matchAll with the g flag would give them,
 * found several times faster: instead of trying the pattern at every position (its lazy key
 * prefix made it the pack's slowest regex over the bundles' 40 KB texts), find each password
 * word and try only the positions in the run of key characters that leads up to it. A match's
 * key is such a run up to its word, so no match starts anywhere else; positions are tried left
 * to right, so the first one found is the one a full scan finds.
 */
export function* passwordAssignments(text: string): Generator<RegExpExecArray> {
    let from = 0;
    while (from < text.length) {
        PASSWORD_WORD.lastIndex = from;
        const word = PASSWORD_WORD.exec(text);
        if (!word) {
            return;
        }
        let start = word.index;
        while (start > from && isKeyChar(text.charCodeAt(start - 1))) {
            start--;
        }
        let match: RegExpExecArray | null = null;
        for (let at = start; at <= word.index && !match; at++) {
            PASSWORD_ASSIGNMENT.lastIndex = at;
            match = PASSWORD_ASSIGNMENT.exec(text);
        }
        if (match) {
            yield match;
            from = match.index + match[0].length;
        } else {
            from = word.index + 1;
        }
    }
}

/** The secrets in each text, in the order found; distinct findings across texts are merged by findSecrets. */
export function findSecrets(texts: string[]): SecretFinding[] {
    const found = new Map<string, SecretFinding>();
    for (const text of texts) {
        // A long text is scanned rather than looked up: finding it in the cache means hashing it
        // (see textCache.ts), which costs about as much as the scan and allocates a copy of it.
        for (const f of text.length > LONG_TEXT_CHARS ? scanText(text) : secretsInText(text)) {
            found.set(`${f.kind}:${f.detail}`, f);
        }
    }
    return [...found.values()];
}

/**
 * Scanned once per text per evaluation: the files servers share (unit files, nftables.conf...)
 * are the same text in every bundle.
 */
const secretsInText = cachedByText(scanText);

function scanText(text: string): SecretFinding[] {
    const found = new Map<string, SecretFinding>();
    const add = (f: SecretFinding) => found.set(`${f.kind}:${f.detail}`, f);
    if (/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/.test(text)) {
        add({ kind: "private key", detail: "a PEM private key" });
    }
    if (/\b(AKIA|ASIA)[A-Z0-9]{16}\b/.test(text)) {
        add({ kind: "AWS access key", detail: "an AWS access key id" });
    }
    for (const m of text.matchAll(/\b(DD_API_KEY|DD_APP_KEY|api_key|app_key)\b\s*[:=]\s*["']?([0-9a-f]{32}|[0-9a-f]{40})\b/gi)) {
        add({ kind: "Datadog key", detail: `a literal Datadog key in ${m[1]}` });
    }
    for (const m of text.matchAll(/IDENTIFIED\s+(?:WITH\s+\S+\s+)?BY\s+(['"])(.*?)\1/gi)) {
        if (isLiteralValue(m[2])) {
            add({ kind: "password", detail: "a literal password in `IDENTIFIED BY '...'`" });
        }
    }
    // KEY=value / KEY: value / key = value (cnf) where the key names a password or secret.
    // Not after ":" either: "arn:aws:secretsmanager:us-east-1:…" is an ARN, not a key.
    for (const m of passwordAssignments(text)) {
        const key = m[1].replace(/^-+/, "");
        if (NON_SECRET_KEY.test(key) || /^(validate_password|password_history|password_reuse|password_require)/i.test(key)) {
            continue;
        }
        if (isLiteralValue(m[2])) {
            add({ kind: "password", detail: `a literal value for ${key}` });
        }
    }
    return [...found.values()];
}
