import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DOCS, ROOT, readDoc, withoutFences } from "./markdown";

/** Inside the repository: a doc must not send its reader to ../shared or anywhere outside. */
function insideRepo(absolute: string): boolean {
    const relative = path.relative(ROOT, absolute);
    return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** `[text](target)` links whose target is a path, not a URL or an in-page anchor. */
function relativeLinks(markdown: string): string[] {
    return [...withoutFences(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"));
}

/**
 * Repository paths the prose names in code spans (`plan/replaceTriggers.ts`,
 * `policy-pack/config/prod-mandatory.json`): a file name with an extension after at least one
 * directory, not an absolute path on a server (/etc/...) and not a placeholder (<stack>).
 */
function namedRepoFiles(markdown: string): string[] {
    return [...withoutFences(markdown).matchAll(/`([^`\s]+)`/g)].map((m) => m[1]).filter((span) => /^[\w.-]+(\/[\w.-]+)+\.(ts|js|json|ya?ml|md|py|sh)$/.test(span) && !span.startsWith("/"));
}

/** The anchors GitHub gives a markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchors(markdown: string): string[] {
    return [...withoutFences(markdown).matchAll(/^#+ (.*)$/gm)].map((m) =>
        m[1]
            .trim()
            .toLowerCase()
            .replace(/[^\p{L}\p{N} _-]/gu, "")
            .replace(/ /g, "-"),
    );
}

describe("links in the project docs", () => {
    for (const doc of PROJECT_DOCS) {
        const markdown = readDoc(doc);
        const dir = path.dirname(path.join(ROOT, doc));

        it(`${doc}: every relative link resolves to a file or directory in the repository`, () => {
            const broken = relativeLinks(markdown).filter((target) => {
                const file = path.resolve(dir, decodeURIComponent(target.split("#")[0]));
                return !insideRepo(file) || !fs.existsSync(file);
            });
            assert.deepEqual(broken, [], `${doc} links to files that are not in the repository`);
        });

        it(`${doc}: every #anchor into a markdown file names one of its headings`, () => {
            const broken = relativeLinks(markdown)
                .filter((target) => /\.md#/.test(target))
                .filter((target) => {
                    const [file, anchor] = target.split("#");
                    const absolute = path.resolve(dir, file);
                    return fs.existsSync(absolute) && !headingAnchors(fs.readFileSync(absolute, "utf8")).includes(anchor);
                });
            assert.deepEqual(broken, [], `${doc} links to headings that do not exist`);
        });

        it(`${doc}: every repository file it names exists`, () => {
            // Named relative to the repository root, or to the doc's own directory (policy-pack/README.md says `lib/serverFiles.ts`).
            const missing = namedRepoFiles(markdown).filter((name) => ![path.join(ROOT, name), path.join(dir, name)].some((file) => insideRepo(file) && fs.existsSync(file)));
            assert.deepEqual(missing, [], `${doc} names files that are not in the repository`);
        });

        it(`${doc}: names no document outside the project (../shared, DESIGN.md)`, () => {
            assert.doesNotMatch(markdown, /\.\.\/shared\b/, `${doc} points into ../shared`);
            // A bare NAME.md in prose must be a file here too: the old README promised a DESIGN.md that never existed.
            const mdNames = [...markdown.matchAll(/(?<![\w/.-])([A-Z][A-Z0-9_-]*\.md)\b/g)].map((m) => m[1]);
            const missing = mdNames.filter((name) => !fs.existsSync(path.join(dir, name)) && !fs.existsSync(path.join(ROOT, name)));
            assert.deepEqual(missing, [], `${doc} names documents that are not in the repository`);
        });
    }

    it("covers the docs the README sends readers to", () => {
        for (const doc of ["README.md", "docs/configuration.md", "policy-pack/README.md", "bench/README.md"]) {
            assert.ok(PROJECT_DOCS.includes(doc), `${doc} is checked`);
        }
    });
});
