// A fast reader for the plain YAML that cloud-config documents are made of, so the pack does
// not spend most of an evaluation in the general YAML parser: a server's bundle is ~40 KB,
// mostly literal block scalars (the files it writes), and YAML.parse took about 1 ms for each,
// more than every policy's own work over it together.
//
// It reads only a strict subset and answers `undefined` for anything outside it; the caller
// then uses YAML.parse, so every document is read exactly as YAML.parse reads it. The subset:
// block mappings (keys of letters, digits and _ . / -) and block sequences, compact nested
// forms (`- key: value`, `- - item`), literal block scalars `|` and `|-`, single- and
// double-quoted scalars on one line (no escapes), `[]`, `{}`, and plain scalars that are
// strings or booleans. Anything else — tabs in indentation, anchors, aliases, tags, flow
// collections, multi-line scalars, comments after a value, duplicate keys, plain scalars that
// could be null or a number — is left to YAML.parse. tests/policy-pack/lib/plainYaml.test.ts
// checks it against YAML.parse on the program's documents and on random edits of them.

/** Thrown to leave a document to YAML.parse; caught in parsePlainYaml. */
class NotPlain extends Error {}

function notPlain(): never {
    throw new NotPlain();
}

/** Characters YAML rejects or reads specially anywhere (controls, BOM, Unicode line breaks); CR is left to YAML.parse too. */
const UNUSUAL_CHARACTERS = /[\x00-\x08\x0b-\x1f\x7f\ufeff\u2028\u2029]/;
const KEY_LINE = /^([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +(.*))?$/;
/** Plain scalars the YAML 1.2 core schema could read as null or a number (a superset: those are left to YAML.parse). */
const MAYBE_NULL_OR_NUMBER = /^(?:~|null|Null|NULL|[-+]?[.0-9].*)$/s;
const TRUE = /^(?:true|True|TRUE)$/;
const FALSE = /^(?:false|False|FALSE)$/;
/** Characters a plain scalar may not start with here (YAML indicators; `-` is checked apart). */
const INDICATOR_START = /^[?:,[\]{}#&*!|>'"%@`]/;

interface Line {
    indent: number;
    /** The line after its indentation. */
    text: string;
}

/**
 * The value of a YAML document in the plain subset, or undefined when the document is outside
 * it (then YAML.parse must read it). The document must start with a comment line (as
 * `#cloud-config` does), end with a newline and hold a mapping.
 */
export function parsePlainYaml(text: string): Record<string, unknown> | undefined {
    if (!text.startsWith("#") || !text.endsWith("\n") || UNUSUAL_CHARACTERS.test(text)) {
        return undefined;
    }
    try {
        return new Reader(text.split("\n")).document();
    } catch (e) {
        if (e instanceof NotPlain) {
            return undefined;
        }
        throw e;
    }
}

class Reader {
    private next = 0;
    /** The rest of a line after `- `, read as a line of its own at its column (compact forms). */
    private pending: Line | undefined;

    constructor(private readonly lines: string[]) {
        // split() leaves an empty string after the final newline.
        this.lines.pop();
    }

    document(): Record<string, unknown> {
        const first = this.peek();
        if (!first || first.indent !== 0) {
            notPlain();
        }
        const root = this.mapping(0);
        if (this.peek()) {
            notPlain();
        }
        return root;
    }

    /** The next line that holds something (blank and comment lines skipped), not consumed. */
    private peek(): Line | undefined {
        if (this.pending) {
            return this.pending;
        }
        while (this.next < this.lines.length) {
            const raw = this.lines[this.next];
            let indent = 0;
            while (raw.charCodeAt(indent) === 32) {
                indent++;
            }
            if (indent === raw.length || raw.charCodeAt(indent) === 35 /* # */) {
                this.next++;
                continue;
            }
            if (raw.includes("\t")) {
                notPlain();
            }
            return { indent, text: raw.slice(indent) };
        }
        return undefined;
    }

    private consume(): void {
        if (this.pending) {
            this.pending = undefined;
        } else {
            this.next++;
        }
    }

    private mapping(indent: number): Record<string, unknown> {
        const map: Record<string, unknown> = {};
        const keys = new Set<string>();
        for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
            const m = KEY_LINE.exec(line.text);
            if (line.indent > indent || !m) {
                notPlain();
            }
            const key = m[1];
            // Keys YAML would read as something else than that string, or would reject, or that JS treats specially.
            if (keys.has(key) || MAYBE_NULL_OR_NUMBER.test(key) || TRUE.test(key) || FALSE.test(key) || key === "__proto__" || key.length > 1000) {
                notPlain();
            }
            keys.add(key);
            this.consume();
            const rest = m[2] ?? "";
            if (rest !== "") {
                map[key] = this.scalar(rest, indent);
                continue;
            }
            const below = this.peek();
            if (below && below.indent > indent) {
                map[key] = this.collection(below.indent);
            } else if (below && below.indent === indent && isItem(below.text)) {
                // A sequence may sit at its key's own indentation.
                map[key] = this.sequence(indent);
            } else {
                map[key] = null;
            }
        }
        return map;
    }

    private sequence(indent: number): unknown[] {
        const items: unknown[] = [];
        for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
            if (line.indent > indent) {
                notPlain();
            }
            if (!isItem(line.text)) {
                // The end of a sequence that sat at its key's indentation: the mapping goes on.
                break;
            }
            this.consume();
            items.push(this.item(indent, line.text.slice(1)));
        }
        return items;
    }

    /** The value of `-` at `dash` followed by `rest`. */
    private item(dash: number, rest: string): unknown {
        if (rest === "") {
            const below = this.peek();
            return below && below.indent > dash ? this.collection(below.indent) : null;
        }
        let spaces = 0;
        while (rest.charCodeAt(spaces) === 32) {
            spaces++;
        }
        const content = rest.slice(spaces);
        const column = dash + 1 + spaces;
        if (content === "") {
            const below = this.peek();
            return below && below.indent > dash ? this.collection(below.indent) : null;
        }
        if (isItem(content) || KEY_LINE.test(content)) {
            this.pending = { indent: column, text: content };
            return this.collection(column);
        }
        return this.scalar(content, dash);
    }

    private collection(indent: number): unknown {
        const line = this.peek()!;
        return isItem(line.text) ? this.sequence(indent) : this.mapping(indent);
    }

    /** A scalar written after `key: ` or `- `; `parent` is the key's or dash's column (block scalars must be indented more). */
    private scalar(written: string, parent: number): unknown {
        const s = written.replace(/ +$/, "");
        if (s === "") {
            notPlain(); // `- ` with nothing after it: callers read an empty value as null themselves
        }
        if (s === "|" || s === "|-") {
            return this.literal(parent, s === "|-");
        }
        if (s === "[]") {
            return [];
        }
        if (s === "{}") {
            return {};
        }
        if (s.startsWith('"')) {
            const m = /^"([^"\\]*)"$/.exec(s);
            return m ? m[1] : notPlain();
        }
        if (s.startsWith("'")) {
            const m = /^'((?:[^']|'')*)'$/.exec(s);
            return m ? m[1].replace(/''/g, "'") : notPlain();
        }
        if (INDICATOR_START.test(s) || (s.startsWith("-") && (s.length === 1 || s[1] === " ")) || s.includes(": ") || s.endsWith(":") || s.includes(" #")) {
            notPlain();
        }
        if (TRUE.test(s)) {
            return true;
        }
        if (FALSE.test(s)) {
            return false;
        }
        return MAYBE_NULL_OR_NUMBER.test(s) ? notPlain() : s;
    }

    /** A literal block scalar's content from the lines after its header (clipped, or stripped with `|-`). */
    private literal(parent: number, strip: boolean): string {
        if (this.pending) {
            notPlain();
        }
        let indent = -1;
        let leadingBlank = 0;
        let end = this.next;
        for (; end < this.lines.length; end++) {
            const raw = this.lines[end];
            let spaces = 0;
            while (raw.charCodeAt(spaces) === 32) {
                spaces++;
            }
            if (spaces === raw.length) {
                // A blank line: more spaces than the content's indentation would be content (left to YAML.parse).
                if (indent < 0) {
                    leadingBlank = Math.max(leadingBlank, spaces);
                } else if (spaces > indent) {
                    notPlain();
                }
                continue;
            }
            if (indent < 0) {
                // An empty block scalar, or blank lines indented more than the content: left to YAML.parse.
                if (spaces <= parent || leadingBlank > spaces) {
                    notPlain();
                }
                indent = spaces;
            }
            if (spaces < indent) {
                break;
            }
        }
        if (indent < 0) {
            notPlain();
        }
        const content: string[] = [];
        for (let i = this.next; i < end; i++) {
            content.push(this.lines[i].length <= indent ? "" : this.lines[i].slice(indent));
        }
        this.next = end;
        while (content[content.length - 1] === "") {
            content.pop();
        }
        return strip ? content.join("\n") : `${content.join("\n")}\n`;
    }
}

function isItem(text: string): boolean {
    return text === "-" || text.startsWith("- ");
}
