/**
 * The one place values are quoted for the languages of the files we render. Every value
 * that reaches a shell script, an SQL statement or an nftables ruleset goes through one of
 * these, so quoting is by construction rather than by care at each call site. Validation
 * against the target's grammar (what a Datadog tag or a MySQL identifier may contain)
 * happens earlier, in the config schema; these functions make any string safe regardless.
 */

/** A POSIX shell word that expands to exactly `value`: single quotes, each `'` as `'\''`. */
export function shellQuote(value: string): string {
    refuseNul(value, "shell word");
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A command line of shell-quoted words. */
export function shellCommand(words: readonly string[]): string {
    return words.map(shellQuote).join(" ");
}

/**
 * A MySQL/MariaDB string literal. Backslash and quote are escaped for the default
 * sql_mode (backslash escapes on); newline and other controls are escaped too, so the
 * literal stays on one line of a heredoc.
 */
export function sqlString(value: string): string {
    refuseNul(value, "SQL string");
    const escaped = value.replace(/[\\'\n\r\x1a]/g, (c) => ({ "\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z" })[c] as string);
    return `'${escaped}'`;
}

/** A MySQL/MariaDB quoted identifier (database, table): backticks, each backtick doubled. */
export function sqlIdentifier(value: string): string {
    refuseNul(value, "SQL identifier");
    if (value.length === 0 || value.length > 64) {
        throw new Error(`sqlIdentifier: ${JSON.stringify(value)} must be 1 to 64 characters`);
    }
    return `\`${value.replace(/`/g, "``")}\``;
}

/**
 * An nftables quoted string (comments). nft's scanner has no escape inside quotes, so
 * double quotes and line breaks cannot be represented and are replaced.
 */
export function nftString(value: string): string {
    refuseNul(value, "nftables string");
    return `"${value.replace(/"/g, "'").replace(/[\r\n]/g, " ")}"`;
}

function refuseNul(value: string, what: string): void {
    if (value.includes("\0")) {
        throw new Error(`cannot quote a ${what} that contains a NUL character: ${JSON.stringify(value)}`);
    }
}
