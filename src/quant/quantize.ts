import type {QuantizeOptions, QuantizeResult} from "./quantizeOptions";
import {realEnvironment, runQuantizeJob} from "./quantizeJob";

/**
 * Quantizes a model with llama.cpp's own `llama_model_quantize` from the libllama that
 * node-llama-cpp ships, in a child process so that a crash or a cancel cannot take the caller
 * down. The output is byte-identical to `llama-quantize` of the same llama.cpp release. Throws a
 * `QuantizeError` (see quantizeErrors.ts) with a message for people on every refusal or failure,
 * an AbortError when cancelled; nothing partial is left either way.
 */
export async function quantizeModel(options: QuantizeOptions): Promise<QuantizeResult> {
    return runQuantizeJob(options, realEnvironment);
}
