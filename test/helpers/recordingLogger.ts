import type {Logger} from "../../src/util/logger";

/** A logger that remembers what it was told, as "level: message" lines, for asserting on the log. */
export function recordingLogger(): Logger & {lines: string[]} {
    const lines: string[] = [];
    const push = (level: string) => (message: string | Error) => lines.push(`${level}: ${message instanceof Error ? message.message : message}`);
    return {lines, trace: push("trace"), debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error")};
}
