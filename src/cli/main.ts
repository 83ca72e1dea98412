import {isAbortError} from "../util/abort";
import {isUserFacingEngineError} from "../engine/errors";
import {parseCommandArgs, UsageError, type CliCommand, type CliIo} from "./cliCommand";
import {sweepCliLeftovers} from "./cliLeftovers";
import {CLI_COMMANDS} from "./commandTable";

const USAGE_EXIT = 2;
const FAILURE_EXIT = 1;

function usage(): string {
    const width = Math.max(...CLI_COMMANDS.map((c) => c.name.length));
    return [
        "quantpilot: run, inspect, quantize and compare local GGUF models without an editor.",
        "",
        "Usage: quantpilot <command> [options]",
        "",
        "Commands:",
        ...CLI_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
        "",
        "Run 'quantpilot <command> --help' for a command's options."
    ].join("\n");
}

export async function runCli(argv: string[], signal: AbortSignal): Promise<number> {
    for (const path of await sweepCliLeftovers())
        process.stderr.write(`quantpilot: removed ${path}, left by a run that was killed\n`);
    const [name, ...rest] = argv;
    if (name == null || name === "--help" || name === "-h" || name === "help") {
        process.stdout.write(usage() + "\n");
        return name == null ? USAGE_EXIT : 0;
    }
    const command = CLI_COMMANDS.find((c) => c.name === name);
    if (command == null) {
        process.stderr.write(`quantpilot: unknown command "${name}" (run 'quantpilot --help' for the list)\n`);
        return USAGE_EXIT;
    }
    return runCommand(command, rest, signal);
}

async function runCommand(command: CliCommand, argv: string[], signal: AbortSignal): Promise<number> {
    const io: CliIo = {
        out: (line) => process.stdout.write(line + "\n"),
        note: (line) => process.stderr.write(line + "\n"),
        signal
    };
    try {
        const args = parseCommandArgs(command, argv);
        if (args.values.help === true) {
            process.stdout.write(command.help.trimEnd() + "\n");
            return 0;
        }
        await command.run(args, io);
        return 0;
    } catch (err) {
        return reportFailure(err);
    }
}

function reportFailure(err: unknown): number {
    if (err instanceof UsageError) {
        process.stderr.write(`quantpilot: ${err.message}\n`);
        return USAGE_EXIT;
    }
    if (isAbortError(err)) {
        process.stderr.write("quantpilot: cancelled\n");
        return 130;
    }
    const message = isUserFacingEngineError(err) || err instanceof Error ? (err as Error).message : String(err);
    process.stderr.write(`quantpilot: ${message.split("\n")[0]}\n`);
    if (process.env.QUANTPILOT_DEBUG === "1" && err instanceof Error && err.stack != null)
        process.stderr.write(err.stack + "\n");
    return FAILURE_EXIT;
}
