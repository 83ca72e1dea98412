import {resolve} from "node:path";
import type {LlamaContext, LlamaModel} from "node-llama-cpp";
import {readGgufHeader} from "../../gguf/ggufReader";
import {NotEnoughMemoryError} from "../errors";
import {AdapterRejectedError} from "./adapterRejectedError";
import {BASE_SHAPE_READ_LIMITS, baseShapeOf, checkAdapterFile, type BaseModelShape} from "./adapterFile";
import {adapterBytesToAdd, noteAdaptersHeld} from "./adapterMemory";
import {scaleProblem, type ActiveAdapter, type AdapterRequest} from "./adapterRequest";

const baseShapes = new WeakMap<LlamaModel, Promise<BaseModelShape>>();

/** The base model's weight shapes, read once per loaded model from its GGUF header. */
function baseShape(model: LlamaModel, path: string, signal: AbortSignal | undefined): Promise<BaseModelShape> {
    let shape = baseShapes.get(model);
    if (shape == null) {
        shape = readGgufHeader(path, signal, BASE_SHAPE_READ_LIMITS).then(baseShapeOf);
        shape.catch(() => baseShapes.delete(model));
        baseShapes.set(model, shape);
    }
    return shape;
}

/**
 * Checks every requested adapter against the loaded model and the free memory. Throws the first
 * refusal (`AdapterRejectedError`, or `NotEnoughMemoryError` when the new adapters' weights do not
 * fit); nothing reaches llama.cpp until all have passed.
 */
export async function checkAdapters(
    model: LlamaModel,
    modelPath: string,
    requests: readonly AdapterRequest[],
    freeRamBytes: number,
    signal?: AbortSignal
): Promise<ActiveAdapter[]> {
    if (requests.length === 0)
        return [];
    const shape = await baseShape(model, modelPath, signal);
    const adapters: ActiveAdapter[] = [];
    const seen = new Set<string>();
    for (const request of requests) {
        const path = resolve(request.path);
        const problem = scaleProblem(request.scale);
        if (problem != null)
            throw new AdapterRejectedError(path, problem);
        if (seen.has(path))
            throw new AdapterRejectedError(path, "it is listed twice; give it one scale");
        seen.add(path);
        adapters.push({...await checkAdapterFile(path, shape, signal), scale: request.scale});
    }
    const adding = adapterBytesToAdd(model, adapters);
    if (adding > freeRamBytes)
        throw new NotEnoughMemoryError(adapters.map((a) => a.fileName).join(", "), adding, freeRamBytes, "RAM");
    return adapters;
}

export interface AdapterContextOptions {
    readonly contextSize: number;
    readonly threads: number;
    readonly signal?: AbortSignal;
}

/**
 * A serving context over the same weights with `adapters` applied. node-llama-cpp applies
 * adapters when a context is made (and loads each file once per model), so changing them makes
 * a new context; the weights are not read again. llama.cpp's own refusal becomes an
 * `AdapterRejectedError` naming the first adapter.
 */
export async function createAdapterContext(model: LlamaModel, adapters: readonly ActiveAdapter[], options: AdapterContextOptions): Promise<LlamaContext> {
    try {
        const context = await model.createContext({
            contextSize: options.contextSize, threads: options.threads, sequences: 1,
            ...(options.signal != null ? {createSignal: options.signal} : {}),
            ...(adapters.length > 0 ? {lora: {adapters: adapters.map((a) => ({filePath: a.path, scale: a.scale}))}} : {})
        });
        noteAdaptersHeld(model, adapters);
        return context;
    } catch (err) {
        if (options.signal?.aborted === true || adapters.length === 0)
            throw err;
        const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
        throw new AdapterRejectedError(adapters[0]!.path, `llama.cpp refused it (${message})`, {cause: err});
    }
}
