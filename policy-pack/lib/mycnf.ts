// A MySQL/MariaDB option-file reader (my.cnf format) used to tell writers from replicas.
import { cachedByText } from "./textCache";

export interface OptionFile {
    /** section name (lower case, e.g. "mysqld") -> option name (lower case, dashes as underscores) -> value */
    sections: Record<string, Record<string, string>>;
}

/** Sections read by the server daemon (client sections such as [client] or [mysql] are not). */
const SERVER_SECTIONS = /^(mysqld|mariadb|server|mysqld-[\d.]+|mariadb-[\d.]+|mariadbd|galera)$/;

/** Parsed once per text for all policies; the result is frozen (see textCache.ts). */
export const parseMyCnf: (text: string) => OptionFile = cachedByText(parseMyCnfText);

function parseMyCnfText(text: string): OptionFile {
    const sections: Record<string, Record<string, string>> = {};
    let current: Record<string, string> | undefined;
    for (const rawLine of text.split(/\r?\n/)) {
        const line = rawLine.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";") || line.startsWith("!")) {
            continue;
        }
        const header = /^\[([^\]]+)\]/.exec(line);
        if (header) {
            const name = header[1].trim().toLowerCase();
            current = sections[name] = sections[name] ?? {};
            continue;
        }
        if (!current) {
            continue;
        }
        const eq = line.indexOf("=");
        // A bare option name (e.g. `read_only`) means the boolean option is enabled.
        const key = (eq < 0 ? line : line.slice(0, eq))
            .trim()
            .toLowerCase()
            .replace(/-/g, "_")
            .replace(/^loose_/, "");
        let value = eq < 0 ? "ON" : line.slice(eq + 1).trim();
        value = value.replace(/\s+#.*$/, "").replace(/^(["'])(.*)\1$/, "$2");
        current[key] = value;
    }
    return { sections };
}

/** True when the file configures the database server itself (not only client programs). */
export function hasServerSection(file: OptionFile): boolean {
    return Object.keys(file.sections).some((s) => SERVER_SECTIONS.test(s));
}

export function isTruthyOption(value: string | undefined): boolean {
    return value !== undefined && /^(on|1|true|yes)$/i.test(value.trim());
}

/**
 * The server is read-only when its effective read_only or super_read_only is on (super_read_only
 * implies read_only). Later files override earlier ones, so the caller passes files in load order.
 */
export function isReadOnly(files: OptionFile[]): boolean {
    let readOnly: string | undefined;
    let superReadOnly: string | undefined;
    for (const f of files) {
        for (const [name, options] of Object.entries(f.sections)) {
            if (SERVER_SECTIONS.test(name)) {
                readOnly = options.read_only ?? readOnly;
                superReadOnly = options.super_read_only ?? superReadOnly;
            }
        }
    }
    return isTruthyOption(readOnly) || isTruthyOption(superReadOnly);
}
