/**
 * The logging surface the core writes to. VS Code's LogOutputChannel satisfies it as is; the CLI
 * and tests pass their own.
 */
export interface Logger {
    trace(message: string): void;
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string | Error): void;
}

export const silentLogger: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined
};

/** A logger for the CLI: warnings and errors to stderr, the rest only when verbose. */
export function stderrLogger(verbose: boolean): Logger {
    const write = (level: string) => (message: string | Error) =>
        process.stderr.write(`[${level}] ${message instanceof Error ? message.message : message}\n`);
    const quiet = () => undefined;
    return {
        trace: verbose ? write("trace") : quiet,
        debug: verbose ? write("debug") : quiet,
        info: verbose ? write("info") : quiet,
        warn: write("warn"),
        error: write("error")
    };
}
