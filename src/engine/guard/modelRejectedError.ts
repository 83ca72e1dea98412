/** The longest reason shown; llama.cpp's own lines are cut to this. */
const MAX_REASON_CHARS = 400;

/**
 * The guard refuses to hand a model file to llama.cpp in this process. The message is one line
 * naming the file and the cause (llama.cpp's own reason where it gave one).
 */
export class ModelRejectedError extends Error {
    override readonly name = "ModelRejectedError";
    readonly reason: string;

    constructor(readonly path: string, reason: string, options?: {cause?: unknown}) {
        const line = oneLine(reason);
        super(`Cannot use model ${path}: ${line}`, options);
        this.reason = line;
    }
}

/** Collapses whitespace and newlines and cuts overly long text, so a reason is always one line. */
export function oneLine(text: string): string {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length <= MAX_REASON_CHARS ? flat : `${flat.slice(0, MAX_REASON_CHARS - 1)}…`;
}
