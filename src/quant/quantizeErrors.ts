import {formatBytes} from "../util/format";

/**
 * Quantization failed for a reason a person can act on; the message says what and, where
 * possible, what to do. Nothing partial is left behind when one is thrown.
 */
export class QuantizeError extends Error {
    override readonly name: string = "QuantizeError";
}

/** This node-llama-cpp release's libllama cannot be driven safely (or at all): the feature is off. */
export class QuantizeUnavailableError extends QuantizeError {
    override readonly name = "QuantizeUnavailableError";
    constructor(reason: string) {
        super(`Quantization is unavailable: ${reason}`);
    }
}

export class OutputExistsError extends QuantizeError {
    override readonly name = "OutputExistsError";
    constructor(readonly path: string) {
        super(`${path} already exists. Choose another output file or allow overwriting it.`);
    }
}

export class AlreadyQuantizedError extends QuantizeError {
    override readonly name = "AlreadyQuantizedError";
    constructor(readonly path: string, fileType: string) {
        super(
            `${path} is already quantized (${fileType}). Quantizing it again loses more quality than ` +
            "quantizing the F16/BF16/F32 original; use the original, or allow requantizing."
        );
    }
}

export class ImatrixRequiredError extends QuantizeError {
    override readonly name = "ImatrixRequiredError";
    constructor(type: string) {
        super(
            `${type} needs an importance matrix (imatrix), which QuantPilot does not compute; without one ` +
            "llama.cpp's output would be garbage. Pick IQ4_XS, IQ4_NL, Q3_K_M, Q2_K or a higher-bit type."
        );
    }
}

export class DiskFullError extends QuantizeError {
    override readonly name = "DiskFullError";
    constructor(readonly directory: string, neededBytes: number | undefined, freeBytes: number) {
        super(neededBytes != null
            ? `Not enough disk space in ${directory}: the quantized model needs about ${formatBytes(neededBytes)} ` +
              `but only ${formatBytes(freeBytes)} is free. Free some space or choose another folder.`
            : `The disk holding ${directory} is full (${formatBytes(freeBytes)} free); the partial output was removed. ` +
              "Free some space or choose another folder.");
    }
}
