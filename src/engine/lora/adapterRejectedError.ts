import {basename} from "node:path";

/**
 * A LoRA adapter QuantPilot will not hand to llama.cpp, or that llama.cpp refused. The loaded
 * model is untouched and keeps serving; the message names the file and the one reason.
 */
export class AdapterRejectedError extends Error {
    override readonly name = "AdapterRejectedError";
    constructor(readonly path: string, readonly reason: string, options?: {cause?: unknown}) {
        super(`Cannot use LoRA adapter ${basename(path)}: ${reason}`, options);
    }
}
