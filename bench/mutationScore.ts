// Mutation score of the policy pack (Stryker, configured in stryker.config.json): per file and
// in total, plus the surviving mutants so the weakest tests can be found.
//
//   npx ts-node -T bench/mutationScore.ts            # read reports/mutation/mutation.json (run Stryker if missing)
//   npx ts-node -T bench/mutationScore.ts --run      # run `npx stryker run` first (minutes on 2 cores)
//   npx ts-node -T bench/mutationScore.ts --survivors 5   # list up to 5 surviving mutants per file (default 0)
//   npx ts-node -T bench/mutationScore.ts --run --files policy-pack/lib/props.ts,policy-pack/policies/no-public-database.ts
//                                                    # mutate only these files (comma-separated globs): a full run takes
//                                                    # long on 2 cores; the report then covers only them
//
// Score = (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker computes it;
// "covered" leaves out mutants no test even executes. Compile/runtime errors and ignored mutants
// count in neither.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { integerOption, parseCommandLine, parseOrExit, UsageError } from "../cli/commandLine";

const USAGE = "usage: npx ts-node -T bench/mutationScore.ts [--run] [--survivors N] [--files GLOB,GLOB]";

const ROOT = path.resolve(__dirname, "..");
const REPORT = path.join(ROOT, "reports", "mutation", "mutation.json");

interface Position {
    line: number;
    column: number;
}

interface Mutant {
    id: string;
    mutatorName: string;
    replacement?: string;
    location: { start: Position; end: Position };
    status: "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";
}

interface Report {
    files: Record<string, { source: string; mutants: Mutant[] }>;
}

/** Runs Stryker over the pack, or over `files` only (its --mutate option replaces stryker.config.json's). */
function runStryker(files: string | undefined): number {
    const start = Date.now();
    const result = spawnSync("npx", ["stryker", "run", ...(files ? ["--mutate", files] : [])], { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) {
        throw new Error(`stryker run exited with ${result.status}`);
    }
    return (Date.now() - start) / 1000;
}

interface Counts {
    killed: number;
    timeout: number;
    survived: number;
    noCoverage: number;
    errors: number;
    ignored: number;
}

function count(mutants: Mutant[]): Counts {
    const c: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 };
    for (const m of mutants) {
        if (m.status === "Killed") c.killed++;
        else if (m.status === "Timeout") c.timeout++;
        else if (m.status === "Survived") c.survived++;
        else if (m.status === "NoCoverage") c.noCoverage++;
        else if (m.status === "CompileError" || m.status === "RuntimeError") c.errors++;
        else c.ignored++;
    }
    return c;
}

function pct(numerator: number, denominator: number): string {
    return denominator === 0 ? "n/a" : `${((100 * numerator) / denominator).toFixed(1)}%`;
}

function scores(c: Counts): { total: string; covered: string } {
    const detected = c.killed + c.timeout;
    return { total: pct(detected, detected + c.survived + c.noCoverage), covered: pct(detected, detected + c.survived) };
}

/** The mutated source text (first line of it, trimmed to 70 chars). */
function original(source: string, m: Mutant): string {
    const lines = source.split("\n");
    const { start, end } = m.location;
    const text = start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)} …`;
    const oneLine = text.replace(/\s+/g, " ").trim();
    return oneLine.length > 70 ? `${oneLine.slice(0, 67)}...` : oneLine;
}

/** --run: run Stryker first; --survivors N: list up to N surviving mutants per file; --files GLOBS: mutate only these (comma-separated). */
export function parseMutationScoreArgs(argv: string[]): { run: boolean; survivors: number; files?: string } {
    const values = parseCommandLine(argv, { run: { type: "boolean" }, survivors: { type: "string" }, files: { type: "string" }, help: { type: "boolean" } });
    if (values.help) throw new UsageError("");
    if (values.files !== undefined && values.files.trim() === "") throw new UsageError("--files needs globs, such as policy-pack/lib/props.ts,policy-pack/policies/no-public-database.ts");
    return { run: values.run ?? false, survivors: integerOption("survivors", values.survivors, 0, 0), ...(values.files !== undefined ? { files: values.files } : {}) };
}

function main(): void {
    const options = parseOrExit("mutationScore", USAGE, () => parseMutationScoreArgs(process.argv.slice(2)));
    let seconds: number | undefined;
    if (options.run || !fs.existsSync(REPORT)) {
        seconds = runStryker(options.files);
    }
    const report = JSON.parse(fs.readFileSync(REPORT, "utf8")) as Report;
    const survivorsPerFile = options.survivors;
    const files = Object.keys(report.files).sort();
    const rows = files.map((file) => {
        const c = count(report.files[file].mutants);
        const s = scores(c);
        return [file, String(report.files[file].mutants.length), String(c.killed), String(c.timeout), String(c.survived), String(c.noCoverage), String(c.errors), s.total, s.covered];
    });
    const all = count(files.flatMap((f) => report.files[f].mutants));
    const totalScores = scores(all);
    rows.push([
        "TOTAL",
        String(files.reduce((n, f) => n + report.files[f].mutants.length, 0)),
        String(all.killed),
        String(all.timeout),
        String(all.survived),
        String(all.noCoverage),
        String(all.errors),
        totalScores.total,
        totalScores.covered,
    ]);

    const header = ["file", "mutants", "killed", "timeout", "survived", "no cov", "errors", "score", "covered"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    console.log(`report: ${path.relative(ROOT, REPORT)} (${new Date(fs.statSync(REPORT).mtime).toISOString()})${seconds !== undefined ? `; stryker run took ${(seconds / 60).toFixed(1)} min` : ""}`);
    console.log(line(header));
    console.log("-".repeat(line(header).length));
    rows.forEach((r, i) => {
        if (i === rows.length - 1) {
            console.log("-".repeat(line(header).length));
        }
        console.log(line(r));
    });

    // Most StringLiteral mutants blank a description or a finding's wording; show the score without them too.
    const logic = count(files.flatMap((f) => report.files[f].mutants).filter((m) => m.mutatorName !== "StringLiteral"));
    console.log(`without StringLiteral mutants (descriptions, message text): ${scores(logic).total} (covered ${scores(logic).covered})`);

    if (survivorsPerFile > 0) {
        console.log(`\nsurviving / uncovered mutants (up to ${survivorsPerFile} per file, logic mutants before string literals)`);
        for (const file of files) {
            const { source, mutants } = report.files[file];
            const alive = mutants
                .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
                // Logic mutants first (conditions, operators, regexes), then string literals; by line within each.
                .sort((a, b) => Number(a.mutatorName === "StringLiteral") - Number(b.mutatorName === "StringLiteral") || a.location.start.line - b.location.start.line);
            if (alive.length === 0) {
                continue;
            }
            console.log(`${file} (${alive.length})`);
            for (const m of alive.slice(0, survivorsPerFile)) {
                const replacement = (m.replacement ?? "").replace(/\s+/g, " ");
                console.log(
                    `  L${m.location.start.line} ${m.mutatorName}${m.status === "NoCoverage" ? " [no coverage]" : ""}: ${original(source, m)}  →  ${replacement.length > 50 ? `${replacement.slice(0, 47)}...` : replacement}`,
                );
            }
        }
    }
}

if (require.main === module) {
    main();
}
