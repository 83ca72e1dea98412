import type {LlamaModel} from "node-llama-cpp";

/**
 * node-llama-cpp loads each adapter file once per model and frees it only with the model: an
 * adapter unloaded from the context still holds its memory until the base model goes. So what a
 * model holds is every adapter applied to it since it was loaded, which this keeps per model.
 */
const held = new WeakMap<LlamaModel, Map<string, number>>();

export function noteAdaptersHeld(model: LlamaModel, adapters: readonly {readonly path: string; readonly tensorBytes: number}[]): void {
    const map = held.get(model) ?? new Map<string, number>();
    for (const adapter of adapters)
        map.set(adapter.path, adapter.tensorBytes);
    held.set(model, map);
}

/** Bytes of adapter weights the model holds (active or not). */
export function adapterBytesHeld(model: LlamaModel): number {
    let sum = 0;
    for (const bytes of held.get(model)?.values() ?? [])
        sum += bytes;
    return sum;
}

/** Bytes that applying these adapters would add: the ones the model does not hold yet. */
export function adapterBytesToAdd(model: LlamaModel, adapters: readonly {readonly path: string; readonly tensorBytes: number}[]): number {
    const map = held.get(model);
    return adapters.reduce((sum, a) => sum + (map?.has(a.path) === true ? 0 : a.tensorBytes), 0);
}
