import {formatBytes} from "../util/format";
import {ModelRejectedError} from "./guard/modelRejectedError";
import {AdapterRejectedError} from "./lora/adapterRejectedError";

/**
 * Errors the engine throws on purpose. Each message is written for the person using the editor:
 * it names the file and says what is wrong and, where possible, what to do.
 */
export class ModelFileError extends Error {
    override readonly name = "ModelFileError";
    constructor(readonly path: string, readonly reason: string) {
        super(`Cannot use model ${path}: ${reason}`);
    }
}

export class UnsupportedModelError extends Error {
    override readonly name = "UnsupportedModelError";
    constructor(readonly path: string, readonly reason: string) {
        super(`Model ${path} is not supported: ${reason}`);
    }
}

export class NotEnoughMemoryError extends Error {
    override readonly name = "NotEnoughMemoryError";
    constructor(readonly path: string, readonly neededBytes: number, readonly availableBytes: number, where: "RAM" | "VRAM") {
        super(
            `Not enough memory to load ${path}: it needs about ${formatBytes(neededBytes)} of ${where} ` +
            `but only ${formatBytes(availableBytes)} is free. Close other programs, lower the context size, ` +
            "or pick a smaller quantization."
        );
    }
}

export class ModelLoadError extends Error {
    override readonly name = "ModelLoadError";
    constructor(readonly path: string, reason: string, options?: {cause?: unknown}) {
        super(`Could not load ${path}: ${reason}`, options);
    }
}

export class NoModelLoadedError extends Error {
    override readonly name = "NoModelLoadedError";
    constructor() {
        super("No model is loaded. Select a GGUF model file first.");
    }
}

export class ModelNotCapableError extends Error {
    override readonly name = "ModelNotCapableError";
}

/** True for the errors above, whose messages can be shown to a person as they are. */
export function isUserFacingEngineError(err: unknown): err is Error {
    return err instanceof ModelFileError || err instanceof UnsupportedModelError || err instanceof ModelRejectedError ||
        err instanceof NotEnoughMemoryError || err instanceof ModelLoadError ||
        err instanceof NoModelLoadedError || err instanceof ModelNotCapableError || err instanceof AdapterRejectedError;
}
