import { parseArgs, ParseArgsOptionsConfig } from "util";

/**
 * The one command-line parser of every CLI here (plan, rehearsal, bench, scripts): Node's own
 * util.parseArgs in strict mode, so an unknown option, a missing value or a stray argument is
 * an error instead of being ignored. This wrapper only rewrites parseArgs' errors so that each
 * names the bad option and the options the command has.
 */

/** Bad usage: the CLI prints the message (and its usage text) and exits 2. */
export class UsageError extends Error {}

/** `--stack <value>`, `--json`, `--set <value> (repeatable)`: how an option is spelled on the command line. */
function spelled(name: string, option: ParseArgsOptionsConfig[string]): string {
    return `--${name}${option.type === "string" ? " <value>" : ""}${option.multiple ? " (repeatable)" : ""}`;
}

/** The options a command accepts, for error messages. */
function allowedOptions(options: ParseArgsOptionsConfig): string {
    return Object.entries(options)
        .map(([name, option]) => spelled(name, option))
        .join(", ");
}

export function parseCommandLine<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (error) {
        throw new UsageError(describeParseError(error as Error & { code?: string }, options));
    }
}

function describeParseError(error: Error & { code?: string }, options: ParseArgsOptionsConfig): string {
    // parseArgs quotes the argument it stopped at: '--foo', '--stack <value>', 'extra'.
    const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? "";
    const allowed = `options: ${allowedOptions(options)}`;
    switch (error.code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
            return `unknown option ${quoted}; ${allowed}`;
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unexpected argument "${quoted}": every argument is an option; ${allowed}`;
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
            const flag = quoted.split(" ")[0];
            const option = options[flag.replace(/^--/, "")];
            // A string option followed by nothing, or by another option (parseArgs calls that ambiguous).
            return option?.type === "boolean" ? `${flag} takes no value: ${spelled(flag.slice(2), option)}` : `${flag} needs a value: ${option ? spelled(flag.slice(2), option) : flag}`;
        }
        default:
            return `${error.message}; ${allowed}`;
    }
}

/** For a command that takes no options but --help: strict parsing still refuses a mistyped one instead of ignoring it. */
export function parseNoOptions(argv: string[]): void {
    if (parseCommandLine(argv, { help: { type: "boolean" } }).help) {
        throw new UsageError("");
    }
}

/** An integer option within [min, max], or the fallback when it is not given. */
export function integerOption(name: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (value === undefined) {
        return fallback;
    }
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
        throw new UsageError(`--${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, not "${value}"`);
    }
    return n;
}

/** One of a fixed set of words, or undefined when the option is not given. */
export function choiceOption<C extends string>(name: string, value: string | undefined, choices: readonly C[]): C | undefined {
    if (value === undefined) {
        return undefined;
    }
    if (!(choices as readonly string[]).includes(value)) {
        throw new UsageError(`--${name} must be ${choices.join(" or ")}, not "${value}"`);
    }
    return value as C;
}

/**
 * For scripts with no error handling of their own (bench, scripts): the parsed options; on bad
 * usage the message and the usage text on stderr and exit 2; on --help (an empty UsageError)
 * the usage text and exit 0.
 */
export function parseOrExit<T>(command: string, usage: string, parse: () => T): T {
    try {
        return parse();
    } catch (error) {
        if (!(error instanceof UsageError)) {
            throw error;
        }
        process.stderr.write(error.message ? `${command}: ${error.message}\n\n${usage}\n` : `${usage}\n`);
        process.exit(error.message ? 2 : 0);
    }
}
