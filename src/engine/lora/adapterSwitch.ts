import {servingThreadsOf, useServingThreads} from "../../threads/applyThreads";
import {LoadedModel} from "../loadedModel";
import type {ModelDescription} from "../modelDescription";
import {switchablePredictor} from "../speculative/predictors";
import type {SpeculationOptions} from "../speculative/speculation";
import {checkAdapters, createAdapterContext} from "./adapterContext";
import type {ActiveAdapter, AdapterRequest} from "./adapterRequest";

export interface AdapterSwitch {
    /** The adapters wanted, in stacking order; empty: none (the base model as it is). */
    readonly requests: readonly AdapterRequest[];
    readonly freeRamBytes: number;
    /** How the model was loaded to guess ahead, so the successor's sequence guesses the same way. */
    readonly speculation?: SpeculationOptions;
    readonly signal?: AbortSignal;
}

/**
 * A successor to `current` that serves the same `LlamaModel` (no weights are read again) through
 * a new context with `requests` applied. `current` is untouched and keeps serving until the
 * caller swaps the two and retires it with `retireContext()`. Throws the first refusal.
 */
export async function withAdapters(current: LoadedModel, change: AdapterSwitch): Promise<LoadedModel> {
    const adapters = await checkAdapters(current.model, current.description.path, change.requests, change.freeRamBytes, change.signal);
    const runtime = current.description.runtime;
    const threads = servingThreadsOf(current.model)?.counts ?? {prompt: runtime.threads, decode: runtime.decodeThreads ?? runtime.threads};
    const context = await createAdapterContext(current.model, adapters, {
        contextSize: current.contextSize, threads: threads.prompt, ...(change.signal != null ? {signal: change.signal} : {})
    });
    try {
        useServingThreads(context, threads);
        // A sequence disposes its predictor with it, so the successor's sequence gets its own.
        const speculation = current.speculation == null ? undefined : {
            ...current.speculation,
            predictor: await switchablePredictor(current.speculation.draft, change.speculation ?? {mode: current.speculation.mode})
        };
        return new LoadedModel(describeWith(current.description, adapters), current.model, context, speculation);
    } catch (err) {
        await context.dispose();
        throw err;
    }
}

/** The description with these adapters, and without a notice about adapters that did not apply. */
export function describeWith(description: ModelDescription, adapters: readonly ActiveAdapter[], notice?: string): ModelDescription {
    const rest: ModelDescription = {...description};
    delete (rest as {adapters?: unknown}).adapters;
    delete (rest as {adapterNotice?: unknown}).adapterNotice;
    return {...rest, ...(adapters.length > 0 ? {adapters} : {}), ...(notice != null ? {adapterNotice: notice} : {})};
}
