import {parseArgs, type ParseArgsConfig} from "node:util";

/** A CLI failure caused by the user's input: printed as one line, exit code 2. */
export class UsageError extends Error {
    override readonly name = "UsageError";
}

export interface CliIo {
    /** Where results go (stdout). With --json the last line is one JSON object. */
    out(line: string): void;
    /** Progress and notes (stderr), never mixed into results. */
    note(line: string): void;
    readonly signal: AbortSignal;
}

export interface CliCommand {
    readonly name: string;
    readonly summary: string;
    /** Shown by `quantpilot NAME --help`. */
    readonly help: string;
    readonly options: NonNullable<ParseArgsConfig["options"]>;
    /** Whether positional arguments are accepted. */
    readonly positionals: boolean;
    run(args: ParsedArgs, io: CliIo): Promise<void>;
}

export interface ParsedArgs {
    readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
    readonly positionals: string[];
}

export function parseCommandArgs(command: CliCommand, argv: string[]): ParsedArgs {
    try {
        const {values, positionals} = parseArgs({
            args: argv,
            options: {...command.options, help: {type: "boolean", short: "h"}},
            allowPositionals: command.positionals,
            strict: true
        });
        return {values, positionals};
    } catch (err) {
        throw new UsageError(`${(err as Error).message.split("\n")[0]} (see 'quantpilot ${command.name} --help')`);
    }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
    const value = args.values[name];
    return typeof value === "string" ? value : undefined;
}

export function requiredString(args: ParsedArgs, name: string): string {
    const value = stringOption(args, name);
    if (value == null)
        throw new UsageError(`--${name} is required`);
    return value;
}

/** An integer option within [min, max]; a bad value is a usage error that names the option. */
export function integerOption(args: ParsedArgs, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = stringOption(args, name);
    if (raw == null)
        return undefined;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max)
        throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    return value;
}

export function onePositional(args: ParsedArgs, what: string): string {
    if (args.positionals.length !== 1)
        throw new UsageError(args.positionals.length === 0 ? `expected ${what}` : `expected one ${what}, got ${args.positionals.length} arguments`);
    return args.positionals[0]!;
}
