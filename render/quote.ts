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
    // Quoted identifiers may hold line breaks, but then they could end the here-document that
    // carries the SQL; no identifier of ours needs a control character.
    if (/[\x00-\x1f\x7f]/.test(value)) {
        throw new Error(`sqlIdentifier: ${JSON.stringify(value)} must not contain control characters`);
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

/**
 * Text for an unquoted here-document (`<<EOF`), where the shell still expands `$`, backticks
 * and backslashes: each is escaped, so the text reaches the command exactly as written.
 */
export function heredocText(value: string): string {
    refuseNul(value, "here-document line");
    return value.replace(/[\\$`]/g, (c) => `\\${c}`);
}

/** A shell variable a script reads at run time (a password from a root-only file). */
export interface ShellVariable {
    shellVariable: string;
}

/** Marks a value as the run-time contents of a shell variable, for sqlHeredoc. */
export function fromShellVariable(name: string): ShellVariable {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
        throw new Error(`fromShellVariable: ${JSON.stringify(name)} is not an upper-case shell variable name`);
    }
    return { shellVariable: name };
}

/**
 * SQL for an unquoted here-document, built by construction: the template's own text is
 * trusted SQL, every interpolated string becomes a string literal (sqlString), and a
 * fromShellVariable() value becomes `'${NAME}'`, expanded by the shell at run time. The
 * script must check such variables against a grammar that needs no SQL escaping (the
 * generated passwords are alphanumeric; see assertAlphanumericShellVariables).
 */
export function sqlHeredoc(strings: TemplateStringsArray, ...values: (string | number | SqlIdentifier | ShellVariable)[]): string {
    let out = heredocText(strings[0]);
    values.forEach((value, i) => {
        if (typeof value === "number") {
            if (!Number.isInteger(value)) {
                throw new Error(`sqlHeredoc: ${value} is not an integer`);
            }
            out += String(value);
        } else if (typeof value === "string") {
            out += heredocText(sqlString(value));
        } else if ("identifier" in value) {
            out += heredocText(sqlIdentifier(value.identifier));
        } else {
            out += `'\${${value.shellVariable}}'`;
        }
        out += heredocText(strings[i + 1]);
    });
    return out;
}

/** Marks a value as an SQL identifier (database name), for sqlHeredoc. */
export interface SqlIdentifier {
    identifier: string;
}

export function identifier(name: string): SqlIdentifier {
    return { identifier: name };
}

/**
 * Shell lines that stop the script unless each variable is non-empty and alphanumeric: the
 * run-time half of the contract sqlHeredoc relies on for fromShellVariable values.
 */
export function assertAlphanumericShellVariables(names: readonly string[]): string {
    return names
        .map((name) => {
            fromShellVariable(name);
            return `case "\${${name}}" in '' | *[!A-Za-z0-9]*) echo ${shellQuote(`webstack: ${name} must be a non-empty alphanumeric value`)} >&2; exit 1 ;; esac`;
        })
        .join("\n");
}
