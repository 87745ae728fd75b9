// A small haproxy.cfg reader: enough structure (sections, tokenised lines, defaults
// inheritance) to tell whether frontends terminate TLS and whether backends re-encrypt.
import { cachedByText } from "./textCache";

export type SectionKind = "global" | "defaults" | "frontend" | "backend" | "listen" | "other";

export interface HaproxySection {
    kind: SectionKind;
    name: string;
    /** Each directive as tokens, comments stripped, quotes removed. */
    lines: string[][];
    /** The defaults section in force for this proxy (the last one declared before it). */
    defaults?: HaproxySection;
}

export interface HaproxyConfig {
    sections: HaproxySection[];
    global?: HaproxySection;
}

const SECTION_KEYWORDS: Record<string, SectionKind> = {
    global: "global",
    defaults: "defaults",
    frontend: "frontend",
    backend: "backend",
    listen: "listen",
    resolvers: "other",
    peers: "other",
    userlist: "other",
    program: "other",
    "http-errors": "other",
    ring: "other",
    mailers: "other",
    cache: "other",
};

/** Splits a line into words the way haproxy does: whitespace separated, quotes group, # starts a comment. */
export function tokenizeHaproxyLine(line: string): string[] {
    const tokens: string[] = [];
    let current = "";
    let inToken = false;
    let quote: string | null = null;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote) {
            if (c === quote) {
                quote = null;
            } else if (c === "\\" && quote === '"' && i + 1 < line.length) {
                current += line[++i];
            } else {
                current += c;
            }
            continue;
        }
        if (c === '"' || c === "'") {
            quote = c;
            inToken = true;
        } else if (c === "\\" && i + 1 < line.length) {
            current += line[++i];
            inToken = true;
        } else if (c === "#") {
            break;
        } else if (c === " " || c === "\t") {
            if (inToken) {
                tokens.push(current);
                current = "";
                inToken = false;
            }
        } else {
            current += c;
            inToken = true;
        }
    }
    if (inToken) {
        tokens.push(current);
    }
    return tokens;
}

/** Parsed once per text for all policies; the result is frozen (see textCache.ts). */
export const parseHaproxyConfig: (text: string) => HaproxyConfig = cachedByText(parseHaproxyText);

function parseHaproxyText(text: string): HaproxyConfig {
    const sections: HaproxySection[] = [];
    let current: HaproxySection | undefined;
    let lastDefaults: HaproxySection | undefined;
    for (const rawLine of text.split(/\r?\n/)) {
        const tokens = tokenizeHaproxyLine(rawLine);
        if (tokens.length === 0) {
            continue;
        }
        const kind = SECTION_KEYWORDS[tokens[0]];
        if (kind) {
            current = { kind, name: tokens[1] ?? "", lines: [] };
            if (kind === "frontend" || kind === "backend" || kind === "listen") {
                current.defaults = lastDefaults;
            }
            if (kind === "defaults") {
                lastDefaults = current;
            }
            sections.push(current);
            continue;
        }
        if (current) {
            current.lines.push(tokens);
        }
    }
    return { sections, global: sections.find((s) => s.kind === "global") };
}

/** Lines of a section starting with the given keyword(s), e.g. ["http-request", "redirect"]. */
export function directives(section: HaproxySection | undefined, ...keywords: string[]): string[][] {
    if (!section) {
        return [];
    }
    return section.lines.filter((l) => keywords.every((k, i) => l[i] === k));
}

/** A bind line terminates TLS when it carries `ssl` together with a certificate. */
export function bindTerminatesTls(bind: string[]): boolean {
    return bind.includes("ssl") && (bind.includes("crt") || bind.includes("crt-list"));
}

/** Frontend-capable sections (frontend/listen) with at least one TLS-terminating bind. */
export function tlsFrontends(cfg: HaproxyConfig): HaproxySection[] {
    return cfg.sections.filter((s) => (s.kind === "frontend" || s.kind === "listen") && directives(s, "bind").some(bindTerminatesTls));
}

/** The proxy mode (http/tcp), taking the section first and its defaults second; haproxy's default is tcp. */
export function proxyMode(section: HaproxySection): string {
    const own = directives(section, "mode");
    if (own.length > 0) {
        return own[own.length - 1][1] ?? "tcp";
    }
    const inherited = directives(section.defaults, "mode");
    return inherited.length > 0 ? (inherited[inherited.length - 1][1] ?? "tcp") : "tcp";
}

export interface ServerTls {
    backend: string;
    server: string;
    address: string;
    ssl: boolean;
    /** "required", "none" or undefined when never set. */
    verify: string | undefined;
}

/**
 * Effective TLS settings of every `server` line: options are applied in haproxy's order of
 * precedence (global ssl-default-server-options / ssl-server-verify, then the defaults
 * section's default-server, then the proxy's default-server, then the server line), later
 * settings overriding earlier ones.
 */
export function serverTlsSettings(cfg: HaproxyConfig): ServerTls[] {
    const result: ServerTls[] = [];
    const globalOptions = directives(cfg.global, "ssl-default-server-options").flatMap((l) => l.slice(1));
    const globalVerify = directives(cfg.global, "ssl-server-verify")
        .map((l) => l[1])
        .pop();
    for (const section of cfg.sections) {
        if (section.kind !== "backend" && section.kind !== "listen") {
            continue;
        }
        const inherited = [...globalOptions, ...directives(section.defaults, "default-server").flatMap((l) => l.slice(1)), ...directives(section, "default-server").flatMap((l) => l.slice(1))];
        for (const line of directives(section, "server")) {
            let ssl = false;
            let verify: string | undefined = globalVerify;
            const options = [...inherited, ...line.slice(3)];
            for (let i = 0; i < options.length; i++) {
                const opt = options[i];
                if (opt === "ssl") {
                    ssl = true;
                } else if (opt === "no-ssl") {
                    ssl = false;
                } else if (opt === "verify") {
                    verify = options[i + 1];
                    i++;
                }
            }
            result.push({ backend: section.name, server: line[1] ?? "", address: line[2] ?? "", ssl, verify });
        }
    }
    return result;
}
