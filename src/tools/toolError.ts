/**
 * A tool failure the model should see and can act on (a wrong path, a missing file, a refused
 * command). Its message goes back to the model as the tool's result, so it says what was wrong
 * and, where possible, what to do instead.
 */
export class ToolError extends Error {
    override readonly name = "ToolError";
}

/** The message a failed tool run reports to the model and the user. */
export function toolErrorMessage(err: unknown): string {
    if (err instanceof Error)
        return err.message;
    return String(err);
}
