import * as fs from "fs";
import * as path from "path";

/** The repository root: every doc path in these tests is relative to it. */
export const ROOT = path.join(__dirname, "../..");

/** The project's own documentation, the files the doc tests hold to the code. */
export const PROJECT_DOCS: string[] = [
    "README.md",
    ...fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => `docs/${f}`),
    "policy-pack/README.md",
    "bench/README.md",
    "rehearsal/README.md",
];

export function readDoc(relative: string): string {
    return fs.readFileSync(path.join(ROOT, relative), "utf8");
}

/** Markdown with fenced code blocks blanked out, so tables and links inside examples are not read as the doc's own. */
export function withoutFences(markdown: string): string {
    return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[ \t]*$/gm, (block) => block.replace(/[^\n]/g, ""));
}

/** The cells of a table row, split on unescaped pipes (`a \| b` stays one cell). */
function cells(line: string): string[] {
    return line
        .trim()
        .replace(/^\|/, "")
        .replace(/\|$/, "")
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim());
}

/**
 * The body rows of the first table whose header row starts with `firstHeader`: one array of cells
 * per row. Throws when there is no such table, so a renamed column fails loudly instead of
 * checking nothing.
 */
export function tableRows(markdown: string, firstHeader: string): string[][] {
    const lines = withoutFences(markdown).split("\n");
    const start = lines.findIndex((line) => line.startsWith("|") && cells(line)[0] === firstHeader);
    if (start < 0) {
        throw new Error(`no table whose first column is "${firstHeader}"`);
    }
    const rows: string[][] = [];
    for (let i = start + 2; i < lines.length && lines[i].startsWith("|"); i++) {
        rows.push(cells(lines[i]));
    }
    return rows;
}

/** The `code` spans of a table cell, in order (`a`, `b` in "`a`, `b`"). */
export function codeSpans(cell: string): string[] {
    return [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
}

export interface FencedBlock {
    language: string;
    body: string;
    /** The prose between the previous fenced block or heading and this block: what introduces it. */
    introduction: string;
}

export function fencedBlocks(markdown: string): FencedBlock[] {
    const blocks: FencedBlock[] = [];
    const pattern = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
    let previousEnd = 0;
    for (const match of markdown.matchAll(pattern)) {
        const before = markdown.slice(previousEnd, match.index);
        const lastHeading = [...before.matchAll(/^#+ .*$/gm)].at(-1);
        blocks.push({ language: match[1].trim(), body: match[2], introduction: lastHeading ? before.slice(lastHeading.index) : before });
        previousEnd = match.index! + match[0].length;
    }
    return blocks;
}
