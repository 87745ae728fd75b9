import * as assert from "assert";
import * as YAML from "yaml";
import { renderServerBundle } from "../../../components/cloudinit/renderServerBundle";
import { renderApplierFiles, renderBootstrap } from "../../../components/servers/renderBootstrap";
import { parsePlainYaml } from "../../../policy-pack/lib/plainYaml";
import { parseUserDataText } from "../../../policy-pack/lib/userData";
import { haproxyCfg, mysqlCnf, mysqlCnfPath, NFTABLES_CONF } from "../fixtures";

// parsePlainYaml must read every document it accepts exactly as YAML.parse does, and leave
// everything else to YAML.parse (undefined).

function bundle(): string {
    return renderServerBundle({
        packages: ["haproxy", "nftables", "awscli"],
        files: [
            { path: "/etc/nftables.conf", content: NFTABLES_CONF, permissions: "0644" },
            { path: "/etc/haproxy/haproxy.cfg", content: haproxyCfg("tls"), permissions: "0640", owner: "root:haproxy" },
            { path: mysqlCnfPath("mariadb"), content: mysqlCnf("replica", "mariadb"), permissions: "0644" },
            { path: "/etc/motd", content: "blank lines\n\n\ninside\n", permissions: "0644" },
            { path: "/etc/no-newline", content: "no final newline", permissions: "0644" },
            ...renderApplierFiles(),
        ],
        commands: [["systemctl", "enable", "--now", "nftables"], ["nft", "-f", "/etc/nftables.conf"]],
        users: [],
        secrets: [{ parameter: "/webstack/dev/tls/lb.key", path: "/etc/haproxy/tls/site.pem.key", owner: "root:root", mode: "0600" }],
        services: [{ name: "haproxy", paths: ["/etc/haproxy/haproxy.cfg"], checks: [["haproxy", "-c", "-f", "/etc/haproxy/haproxy.cfg"]], reload: [["systemctl", "reload", "haproxy"]] }],
        volumes: [],
        tags: ["env:dev", "role:load-balancer"],
    });
}

/** A small deterministic generator (the test must give the same verdict on every run). */
function random(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state * 1103515245 + 12345) & 0x7fffffff;
        return state / 0x7fffffff;
    };
}

describe("lib/plainYaml", () => {
    it("reads the program's bundle and boot script exactly as YAML.parse does", () => {
        const docs = [bundle(), renderBootstrap({ region: "us-east-1", bucket: "webstack-config-abc1234", key: "servers/app.yaml" })];
        for (const doc of docs) {
            const plain = parsePlainYaml(doc);
            assert.ok(plain !== undefined, `left to YAML.parse: ${doc.slice(0, 60)}`);
            assert.deepStrictEqual(plain, YAML.parse(doc));
        }
    });

    it("reads the subset's forms: compact sequences and mappings, literal scalars, quotes, booleans, empty collections", () => {
        const doc = [
            "#cloud-config",
            "a: plain text, with:colons:inside and#hash",
            "b: 'it''s'",
            'c: "0644"',
            "d: true",
            "e: []",
            "f: {}",
            "g:",
            "h:",
            "- x",
            "- - y",
            "  - -z",
            "- k: v",
            "  l: |-",
            "    kept",
            "",
            "      more indented",
            "    # not a comment",
            "  m: |",
            "    clipped",
            "",
            "",
            "# a comment ends the scalar",
            "i:",
            "  j: --now",
            "",
        ].join("\n");
        const plain = parsePlainYaml(doc);
        assert.deepStrictEqual(plain, YAML.parse(doc));
        assert.deepStrictEqual(plain, {
            a: "plain text, with:colons:inside and#hash",
            b: "it's",
            c: "0644",
            d: true,
            e: [],
            f: {},
            g: null,
            h: ["x", ["y", "-z"], { k: "v", l: "kept\n\n  more indented\n# not a comment", m: "clipped\n" }],
            i: { j: "--now" },
        });
    });

    it("leaves everything outside the subset to YAML.parse", () => {
        const outside = [
            "#cloud-config\na: 1\n", // a number
            "#cloud-config\na: ~\n", // null
            "#cloud-config\na: .5\n",
            "#cloud-config\na: x # comment\n",
            "#cloud-config\na: x\na: y\n", // duplicate keys: YAML.parse throws
            "#cloud-config\na: &anchor x\nb: *anchor\n",
            "#cloud-config\na: !!str 1\n",
            "#cloud-config\na: [x, y]\n",
            "#cloud-config\na: |+\n  kept\n\n",
            "#cloud-config\na: >\n  folded\n",
            "#cloud-config\na: |2\n    indented\n",
            "#cloud-config\na: |\nb: empty block scalar\n",
            "#cloud-config\na: |\n\n      \n  more-indented blank line first\n",
            "#cloud-config\na: |\n  x\n     \n", // a blank line with more spaces than the content's indentation
            "#cloud-config\na: multi\n  line plain\n",
            '#cloud-config\na: "escaped\\n"\n',
            '#cloud-config\na: "multi\n  line"\n',
            "#cloud-config\na:\n\t- tab\n",
            "#cloud-config\r\na: crlf\r\n",
            "#cloud-config\na: no final newline",
            "#cloud-config\n- a top-level sequence\n",
            "#cloud-config\n---\na: x\n",
            "#cloud-config\n1: numeric key\n",
            "#cloud-config\na:\n  b: x\n   c: y\n",
            "#cloud-config\na: - x\n",
            "#cloud-config\n__proto__: x\n",
            "#cloud-config\n",
        ];
        for (const doc of outside) {
            assert.strictEqual(parsePlainYaml(doc), undefined, JSON.stringify(doc));
        }
        // The pack's reader then gets YAML.parse's answer: a duplicate key is an error, so the text is a script.
        assert.strictEqual(parseUserDataText("#cloud-config\npackages: [nginx]\npackages: [haproxy]\n").kind, "script");
        assert.deepStrictEqual(parseUserDataText("#cloud-config\npackages: [nginx, 'mysql-server=8.0']\n").packages, ["nginx", "mysql-server"]);
    });

    it("agrees with YAML.parse on random edits of the program's documents whenever it reads them", () => {
        const rnd = random(10);
        const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
        const lines = bundle().split("\n");
        const inserts = [" ", "-", "- ", ":", ": ", "#", " #", "|", "|-", "'", '"', "\t", "x", "[", "{", "&a", "*a", "!", "0", "~", "true", "?", "%"];
        const entryLines = lines.map((l, i) => (/^ *(- |[a-z_]+:)/.test(l) ? i : -1)).filter((i) => i >= 0);
        let read = 0;
        for (let i = 0; i < 1500; i++) {
            // A window of the bundle, so YAML.parse stays cheap, with one to three edits.
            // Starting on a line that opens an entry, as most of the bundle's lines are block scalar content.
            const start = pick(entryLines);
            const window = lines.slice(start, start + 1 + Math.floor(rnd() * 20));
            const indent = Math.min(...window.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length));
            const edited = window.map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)));
            for (let e = 1 + Math.floor(rnd() * 3); e > 0; e--) {
                const at = Math.floor(rnd() * edited.length);
                const line = edited[at];
                const pos = Math.floor(rnd() * (line.length + 1));
                const kind = Math.floor(rnd() * 5);
                edited[at] =
                    kind === 0 ? line.slice(0, pos) + pick(inserts) + line.slice(pos)
                    : kind === 1 ? line.slice(0, pos) + line.slice(pos + 1)
                    : kind === 2 ? ` ${line}`
                    : kind === 3 ? line.replace(/^ {1,2}/, "")
                    : `${line}${pick(["", " ", ":", " # c"])}`;
            }
            const doc = `#cloud-config\n${edited.join("\n")}\n`;
            const plain = parsePlainYaml(doc);
            if (plain === undefined) {
                continue;
            }
            read++;
            assert.deepStrictEqual(plain, YAML.parse(doc), JSON.stringify(doc));
        }
        assert.ok(read > 100, `only ${read} edited documents were in the subset`);
    });
});
