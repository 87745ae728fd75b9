import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { UsageError } from "../../cli/commandLine";
import { parseMutationScoreArgs } from "../../bench/mutationScore";
import { parsePolicyBenchArgs } from "../../bench/policyBench";
import { parseProgramBenchArgs } from "../../bench/programBench";
import { parseRehearsalBenchArgs } from "../../bench/rehearsal-bench";
import { parseStartBenchArgs } from "../../bench/startBench";

// The benchmarks' command lines only; no benchmark runs here.
function refused(parse: () => unknown): string {
    try {
        parse();
    } catch (error) {
        assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
        return error.message;
    }
    assert.fail("accepted");
}

describe("benchmark command lines", () => {
    it("policyBench: --runs and --sizes, with their defaults", () => {
        assert.deepEqual(parsePolicyBenchArgs([]), { runs: 3, sizes: [1000, 10000] });
        assert.deepEqual(parsePolicyBenchArgs(["--runs", "5", "--sizes", "100,1000,5000"]), { runs: 5, sizes: [100, 1000, 5000] });
        assert.equal(
            refused(() => parsePolicyBenchArgs(["--run", "5"])),
            "unknown option --run; options: --runs <value>, --sizes <value>, --help",
        );
        assert.equal(
            refused(() => parsePolicyBenchArgs(["--sizes"])),
            "--sizes needs a value: --sizes <value>",
        );
        assert.equal(
            refused(() => parsePolicyBenchArgs(["--runs", "three"])),
            '--runs must be a whole number from 1 up, not "three"',
        );
        assert.equal(
            refused(() => parsePolicyBenchArgs(["--sizes", "1000,1k"])),
            '--sizes must be a whole number from 1 up, not "1k"',
        );
        assert.match(
            refused(() => parsePolicyBenchArgs(["--sizes", "10000,1000"])),
            /^--sizes must list resource counts in increasing order/,
        );
    });

    it("startBench: --rounds and --stack, with their defaults", () => {
        assert.deepEqual(parseStartBenchArgs([]), { rounds: 7, stack: "dev" });
        assert.deepEqual(parseStartBenchArgs(["--rounds", "3", "--stack", "prod"]), { rounds: 3, stack: "prod" });
        assert.match(
            refused(() => parseStartBenchArgs(["--round", "3"])),
            /^unknown option --round; options: --rounds <value>, --stack <value>, --help/,
        );
        assert.match(
            refused(() => parseStartBenchArgs(["--stack", "staging"])),
            /--stack/,
        );
    });

    it("programBench: --repeat, --warm, --stacks, and the child mode it starts itself", () => {
        assert.deepEqual(parseProgramBenchArgs([]), { repeat: 3, warm: 4, stacks: ["dev", "prod"], child: undefined });
        assert.deepEqual(parseProgramBenchArgs(["--child", "--stack", "prod", "--warm", "0"]), { repeat: 3, warm: 0, stacks: ["dev", "prod"], child: { stack: "prod" } });
        assert.match(
            refused(() => parseProgramBenchArgs(["--stacks", "dev", "--runs", "2"])),
            /^unknown option --runs; options: --repeat <value>, --warm <value>, --stacks <value>, /,
        );
        assert.equal(
            refused(() => parseProgramBenchArgs(["--repeat"])),
            "--repeat needs a value: --repeat <value>",
        );
        assert.equal(
            refused(() => parseProgramBenchArgs(["--warm", "-1"])),
            "--warm needs a value: --warm <value>",
            "parseArgs reads -1 as an option",
        );
        assert.equal(
            refused(() => parseProgramBenchArgs(["--stacks", "dev,"])),
            '--stacks must be stack names separated by commas, such as dev,prod, not "dev,"',
        );
    });

    it("mutationScore: --run, --survivors and --files", () => {
        assert.deepEqual(parseMutationScoreArgs([]), { run: false, survivors: 0 });
        assert.deepEqual(parseMutationScoreArgs(["--run", "--survivors", "5"]), { run: true, survivors: 5 });
        assert.equal(
            refused(() => parseMutationScoreArgs(["--survivor", "5"])),
            "unknown option --survivor; options: --run, --survivors <value>, --files <value>, --help",
        );
        assert.deepEqual(parseMutationScoreArgs(["--run", "--files", "policy-pack/lib/props.ts"]), { run: true, survivors: 0, files: "policy-pack/lib/props.ts" });
        assert.match(
            refused(() => parseMutationScoreArgs(["--files", " "])),
            /^--files needs globs/,
        );
        assert.equal(
            refused(() => parseMutationScoreArgs(["--run=yes"])),
            "--run takes no value: --run",
        );
        assert.equal(
            refused(() => parseMutationScoreArgs(["--survivors", "all"])),
            '--survivors must be a whole number from 0 up, not "all"',
        );
    });

    it("bench:rehearsal: --stack", () => {
        assert.deepEqual(parseRehearsalBenchArgs([]), { stack: "dev" });
        assert.deepEqual(parseRehearsalBenchArgs(["--stack", "prod"]), { stack: "prod" });
        assert.equal(
            refused(() => parseRehearsalBenchArgs(["--backend-hop", "tls"])),
            "unknown option --backend-hop; options: --stack <value>, --help",
        );
        assert.equal(
            refused(() => parseRehearsalBenchArgs(["--stack"])),
            "--stack needs a value: --stack <value>",
        );
    });

    it("a benchmark exits 2 on bad usage, with the message and its usage, before it measures anything", function () {
        this.timeout(60000);
        const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "bench/policyBench.ts", "--runs", "0"], { cwd: path.join(__dirname, "../.."), encoding: "utf8" });
        assert.equal(result.status, 2, result.stderr);
        assert.equal(result.stderr, 'policyBench: --runs must be a whole number from 1 up, not "0"\n\nusage: npx ts-node -T bench/policyBench.ts [--runs N] [--sizes 1000,10000]\n');
        assert.equal(result.stdout, "");
    });
});
