import { strict as assert } from "assert";
import { choiceOption, integerOption, parseCommandLine, parseNoOptions, UsageError } from "../../cli/commandLine";

const OPTIONS = { stack: { type: "string" }, json: { type: "boolean" }, set: { type: "string", multiple: true } } as const;

/** The UsageError message parse throws. */
function usageError(parse: () => unknown): string {
    try {
        parse();
    } catch (error) {
        assert.ok(error instanceof UsageError, `expected a UsageError, got ${error}`);
        return error.message;
    }
    assert.fail("expected a UsageError, got none");
}

describe("command line (util.parseArgs, strict)", () => {
    it("parses strings, booleans and repeated options", () => {
        assert.deepEqual({ ...parseCommandLine(["--stack", "dev", "--json", "--set", "a:b=1", "--set=a:c=2"], OPTIONS) }, { stack: "dev", json: true, set: ["a:b=1", "a:c=2"] });
    });

    it("names an unknown option and every option the command has", () => {
        assert.equal(
            usageError(() => parseCommandLine(["--stack", "dev", "--stakc", "prod"], OPTIONS)),
            "unknown option --stakc; options: --stack <value>, --json, --set <value> (repeatable)",
        );
        assert.match(
            usageError(() => parseCommandLine(["-s"], OPTIONS)),
            /^unknown option -s; options: --stack <value>/,
        );
    });

    it("names an option whose value is missing, also when another option follows it", () => {
        assert.equal(
            usageError(() => parseCommandLine(["--stack"], OPTIONS)),
            "--stack needs a value: --stack <value>",
        );
        assert.equal(
            usageError(() => parseCommandLine(["--stack", "--json"], OPTIONS)),
            "--stack needs a value: --stack <value>",
        );
        assert.equal(
            usageError(() => parseCommandLine(["--set"], OPTIONS)),
            "--set needs a value: --set <value> (repeatable)",
        );
    });

    it("refuses a value on a flag and a stray argument", () => {
        assert.equal(
            usageError(() => parseCommandLine(["--json=yes"], OPTIONS)),
            "--json takes no value: --json",
        );
        assert.match(
            usageError(() => parseCommandLine(["--stack", "dev", "prod"], OPTIONS)),
            /^unexpected argument "prod": every argument is an option; options: --stack <value>/,
        );
    });

    it("reads whole numbers within bounds and words from a list", () => {
        assert.equal(integerOption("runs", undefined, 3, 1), 3);
        assert.equal(integerOption("runs", "7", 3, 1), 7);
        assert.equal(
            usageError(() => integerOption("runs", "0", 3, 1)),
            '--runs must be a whole number from 1 up, not "0"',
        );
        assert.equal(
            usageError(() => integerOption("hold", "1.5", 0, 0, 600)),
            '--hold must be a whole number from 0 to 600, not "1.5"',
        );
        assert.equal(
            usageError(() => integerOption("hold", "", 0, 0, 600)),
            '--hold must be a whole number from 0 to 600, not ""',
        );
        assert.equal(choiceOption("drill", undefined, ["day2"]), undefined);
        assert.equal(choiceOption("drill", "day2", ["day2"]), "day2");
        assert.equal(
            usageError(() => choiceOption("drill", "day3", ["day2"])),
            '--drill must be day2, not "day3"',
        );
    });

    it("a command without options refuses any but --help", () => {
        assert.doesNotThrow(() => parseNoOptions([]));
        assert.equal(
            usageError(() => parseNoOptions(["--help"])),
            "",
        );
        assert.equal(
            usageError(() => parseNoOptions(["--force"])),
            "unknown option --force; options: --help",
        );
        assert.match(
            usageError(() => parseNoOptions(["dev"])),
            /^unexpected argument "dev"/,
        );
    });
});
