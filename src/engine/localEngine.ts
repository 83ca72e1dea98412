import {freemem} from "node:os";
import type {Llama, LlamaContext, LlamaModel} from "node-llama-cpp";
import type {Logger} from "../util/logger";
import {abortError, anySignal, isAbortError} from "../util/abort";
import type {ModelDescription} from "./modelDescription";
import {ModelLoadError, NoModelLoadedError, NotEnoughMemoryError, isUserFacingEngineError} from "./errors";
import {LoadedModel} from "./loadedModel";
import type {LlamaRuntime} from "./llamaRuntime";
import type {GpuSetting} from "./engineSettings";
import {guardModelFile, prepareModelProbe, type GuardedModelFile, type GuardOptions} from "./guard/guardModelFile";
import {disposeSpareProbe} from "./guard/probeSpare";
import {GuardGates} from "./guard/guardGates";
import {chatWrapperFor} from "./guard/safeChatWrapper";
import {checkMemoryFits} from "./memoryFit";
import {releaseFreedMemory} from "./releaseFreedMemory";
import {RequestMetricsSink} from "./requestMetrics";
import {useServingThreads} from "../threads/applyThreads";
import {loadSpeculation} from "./speculative/loadSpeculation";
import type {SpeculationOptions} from "./speculative/speculation";
import {describeAdapters, type AdapterRequest} from "./lora/adapterRequest";
import {withAdapters} from "./lora/adapterSwitch";

export interface LoadOptions {
    readonly gpu: GpuSetting;
    /** Threads for prompt processing (and for decoding unless `decodeThreads` is given). */
    readonly threads: number;
    /** Threads for single-token decode steps. Default: `threads`. See src/threads/decideThreads.ts. */
    readonly decodeThreads?: number;
    /** Tokens; clamped to what the model was trained on. */
    readonly contextSize: number;
    /** Speculative decoding. Default: off (no predictor on the sequence). */
    readonly speculation?: SpeculationOptions;
    /**
     * LoRA adapters to apply once the weights are loaded. Default: none. One that cannot be used is
     * left out (the model serves without it; `adapterNotice` says why).
     */
    readonly adapters?: readonly AdapterRequest[];
}

export interface LoadProgress {
    readonly signal?: AbortSignal;
    /** 0..1 while the weights are read. */
    readonly onProgress?: (fraction: number) => void;
}

export type ModelListener = (model: ModelDescription | undefined) => void;

/** What loads and unloads models: `LocalEngine`, or a test double. `ModelHost` drives it. */
export interface ModelLoader {
    readonly model: ModelDescription | undefined;
    load(path: string, options: LoadOptions, progress?: LoadProgress): Promise<ModelDescription>;
    unload(): Promise<void>;
    /**
     * Applies these LoRA adapters (empty: none) to the loaded model without reloading its weights.
     * Throws the first refusal; the model keeps serving as it was.
     */
    setAdapters(requests: readonly AdapterRequest[], signal?: AbortSignal): Promise<ModelDescription>;
    onDidChangeModel(listener: ModelListener): {dispose(): void};
}

export interface LocalEngineOptions {
    /** Free RAM in bytes; a seam so tests can simulate a machine that is out of memory. Default: os.freemem. */
    readonly freeMemory?: () => number;
    /** Folder of the model guard's verdict cache. Default: the user's QuantPilot cache folder. */
    readonly guardStorageDir?: string;
    /**
     * How a file is checked before llama.cpp sees it. Default: `guardModelFile`. A seam for the
     * benchmark that measures what the guard costs against loading without it.
     */
    readonly checkModelFile?: (path: string, options: GuardOptions) => Promise<GuardedModelFile>;
}

/**
 * The in-process engine: loads GGUF models with node-llama-cpp and offers the loaded one for
 * tokenizing, evaluating and generating (`loaded`). A load that fails or is cancelled leaves the
 * previous model serving; a successful one replaces it only once the new model is ready.
 * In the extension, only `ModelHost` loads and unloads; everything else reads.
 */
export class LocalEngine implements ModelLoader {
    private active: LoadedModel | undefined;
    /** How the active model was loaded: its successor after an adapter change guesses ahead the same way. */
    private activeOptions: LoadOptions | undefined;
    /** Adapter changes run one after another, each on the model the previous one left. */
    private adapterChanges: Promise<unknown> = Promise.resolve();
    private readonly listeners = new Set<ModelListener>();
    /** How each request to the loaded model went, for the panel. */
    readonly requests = new RequestMetricsSink();

    private readonly freeMemory: () => number;

    constructor(
        private readonly runtime: LlamaRuntime,
        private readonly log: Logger,
        private readonly options: LocalEngineOptions = {}
    ) {
        this.freeMemory = options.freeMemory ?? freemem;
    }

    /** The loaded model: for completions (as a `TextModel`) and the engine's own features (chat, memory). */
    get loaded(): LoadedModel | undefined {
        return this.active;
    }

    get model(): ModelDescription | undefined {
        return this.active?.description;
    }

    onDidChangeModel(listener: ModelListener): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    async load(path: string, options: LoadOptions, progress: LoadProgress = {}): Promise<ModelDescription> {
        // The backend comes up while the guard checks the file; only the guard lets llama.cpp see it,
        // one step at a time: the weights once the probe has loaded them, a context once it made one.
        const backend = this.runtime.get(options.gpu);
        backend.catch(() => undefined);
        const gates = new GuardGates(this.options.checkModelFile ?? guardModelFile, path, {
            gpu: options.gpu, engineBuild: this.runtime.engineBuildSetting, threads: options.threads, signal: progress.signal, log: this.log,
            ...(this.options.guardStorageDir != null ? {storageDir: this.options.guardStorageDir} : {})
        });
        const headerFacts = await gates.weights;
        const llama = await backend;
        const startedAt = performance.now();
        const freeRamBytes = await this.checkFits(llama, headerFacts, options.contextSize, gates);
        // (Adapter weights are checked against what is left once the model is in: adaptAtLoad.)
        progress.signal?.throwIfAborted();
        const model = await this.loadWeights(llama, headerFacts, progress, gates);
        let next: LoadedModel;
        try {
            next = await this.prepare(llama, model, gates, options, {startedAt, freeRamBytes, signal: progress.signal});
        } catch (err) {
            await model.dispose();
            throw err;
        }
        if (options.adapters != null && options.adapters.length > 0)
            next = await this.adaptAtLoad(next, options, freeRamBytes, progress.signal);
        if (progress.signal?.aborted === true) {
            // Cancelled or superseded while the context was made: the new model never serves.
            await next.dispose();
            throw progress.signal.reason ?? abortError();
        }
        const previous = this.active;
        this.active = next;
        this.activeOptions = options;
        this.log.info(`Loaded ${describeForLog(next.description)}`);
        this.emit();
        await this.retire(previous, llama);
        return next.description;
    }

    /**
     * Gets the model guard's probe ready ahead of a load (its child process and backend started),
     * for when the user is about to pick a file: a file not seen before then loads sooner.
     */
    prepareGuard(gpu: GpuSetting): void {
        prepareModelProbe({gpu, engineBuild: this.runtime.engineBuildSetting, log: this.log});
    }

    async setAdapters(requests: readonly AdapterRequest[], signal?: AbortSignal): Promise<ModelDescription> {
        const change = this.adapterChanges.then(() => this.changeAdapters(requests, signal));
        this.adapterChanges = change.catch(() => undefined);
        return change;
    }

    async unload(): Promise<void> {
        const previous = this.active;
        if (previous == null)
            return;
        this.active = undefined;
        this.activeOptions = undefined;
        this.emit();
        await previous.dispose();
        await releaseFreedMemory();
        this.log.info(`Unloaded ${previous.description.fileName}`);
    }

    async dispose(): Promise<void> {
        disposeSpareProbe();
        await this.unload();
        this.listeners.clear();
    }

    /**
     * Whether the model fits in free memory. While the probe still runs it holds a copy of the
     * weights; when that is what makes them not fit, the answer waits until the probe has ended.
     */
    /** Checks the model fits in the free RAM; returns the free RAM it was checked against. */
    private async checkFits(llama: Llama, facts: GuardedModelFile, contextSize: number, gates: GuardGates): Promise<number> {
        const free = this.freeMemory();
        try {
            await checkMemoryFits(llama, facts, contextSize, free);
            return free;
        } catch (err) {
            if (!(err instanceof NotEnoughMemoryError))
                throw err;
            // The probe may still hold its own copy of the weights: ask again once it has ended.
            await gates.verdict;
            const freeAfterProbe = this.freeMemory();
            await checkMemoryFits(llama, facts, contextSize, freeAfterProbe);
            return freeAfterProbe;
        }
    }

    /** The weights, read while the probe goes on; a refusal by the guard stops the read. */
    private async loadWeights(llama: Llama, facts: GuardedModelFile, progress: LoadProgress, gates: GuardGates): Promise<LlamaModel> {
        const refused = new AbortController();
        gates.verdict.catch(() => refused.abort());
        try {
            return await llama.loadModel({
                modelPath: facts.path,
                gpuLayers: llama.gpu === false ? 0 : "auto",
                loadSignal: anySignal([progress.signal, refused.signal]),
                ...(progress.onProgress != null ? {onLoadProgress: progress.onProgress} : {})
            });
        } catch (err) {
            if (refused.signal.aborted)
                await gates.verdict; // throws the guard's reason
            throw translateLoadError(facts.path, err, progress.signal);
        }
    }

    private async prepare(
        llama: Llama,
        model: LlamaModel,
        gates: GuardGates,
        options: LoadOptions,
        load: {startedAt: number; freeRamBytes: number; signal: AbortSignal | undefined}
    ): Promise<LoadedModel> {
        const context = await this.createContext(model, gates, options);
        let facts: GuardedModelFile;
        try {
            facts = await gates.verdict;
        } catch (err) {
            await context.dispose();
            throw err;
        }
        if (facts.chatTemplateNotice != null)
            this.log.warn(`${facts.fileName}: ${facts.chatTemplateNotice}`);
        useServingThreads(context, {prompt: options.threads, decode: options.decodeThreads ?? options.threads});
        const wrapper = await chatWrapperFor(model, facts);
        const infill = model.tokens.infill;
        const description: ModelDescription = {
            ...facts,
            contextSize: context.contextSize,
            hasFim: infill.prefix != null && infill.suffix != null && infill.middle != null,
            supportsTools: facts.templateSupportsTools && wrapper.wrapperName !== "General",
            chatWrapper: wrapper.wrapperName,
            runtime: {
                gpu: llama.gpu,
                ...(llama.gpu !== false ? {gpuName: (await llama.getGpuDeviceNames()).join(", ")} : {}),
                gpuLayers: model.gpuLayers,
                threads: options.threads,
                decodeThreads: options.decodeThreads ?? options.threads,
                build: llama.buildType
            },
            loadMs: performance.now() - load.startedAt
        };
        // Off: no predictor on the sequence at all, so decoding takes node-llama-cpp's plain path.
        if (options.speculation == null || options.speculation.mode === "off")
            return new LoadedModel(description, model, context);
        const {speculation, description: speculating} = await loadSpeculation({
            llama, target: facts, options: options.speculation, contextSize: context.contextSize, threads: options.threads,
            freeRamBytes: load.freeRamBytes, guard: this.options.checkModelFile ?? guardModelFile,
            guardOptions: {gpu: options.gpu, engineBuild: this.runtime.engineBuildSetting, threads: options.threads, log: this.log,
                ...(load.signal != null ? {signal: load.signal} : {}),
                ...(this.options.guardStorageDir != null ? {storageDir: this.options.guardStorageDir} : {})},
            log: this.log, ...(load.signal != null ? {signal: load.signal} : {})
        });
        return new LoadedModel({...description, speculation: speculating}, model, context, speculation);
    }

    /** The serving context, made once the probe has made one on the same weights. */
    private async createContext(model: LlamaModel, gates: GuardGates, options: LoadOptions): Promise<LlamaContext> {
        await gates.context;
        const contextSize = Math.max(256, Math.min(options.contextSize, model.trainContextSize));
        try {
            return await model.createContext({contextSize, threads: options.threads, sequences: 1});
        } catch (err) {
            throw translateLoadError((await gates.weights).path, err, undefined);
        }
    }

    /** Swaps in a successor over the same weights with other adapters; the current one serves until then. */
    private async changeAdapters(requests: readonly AdapterRequest[], signal: AbortSignal | undefined): Promise<ModelDescription> {
        const current = this.active;
        if (current == null)
            throw new NoModelLoadedError();
        const startedAt = performance.now();
        const next = await withAdapters(current, {
            requests, freeRamBytes: this.freeMemory(),
            ...(this.activeOptions?.speculation != null ? {speculation: this.activeOptions.speculation} : {}),
            ...(signal != null ? {signal} : {})
        });
        if (this.active !== current || signal?.aborted === true) {
            // The model was replaced or unloaded meanwhile: this change has nothing left to apply to.
            await next.retireContext();
            throw signal?.reason ?? abortError();
        }
        this.active = next;
        this.emit();
        await current.retireContext();
        const adapters = next.description.adapters ?? [];
        const names = adapters.length > 0 ? describeAdapters(adapters) : "none";
        this.log.info(`LoRA adapters on ${next.description.fileName}: ${names} (${Math.round(performance.now() - startedAt)} ms, weights not reloaded)`);
        return next.description;
    }

    /** The adapters asked for at load, applied to the new model; one that cannot be is left out with a notice. */
    private async adaptAtLoad(loaded: LoadedModel, options: LoadOptions, freeRamBytes: number, signal: AbortSignal | undefined): Promise<LoadedModel> {
        try {
            const next = await withAdapters(loaded, {
                requests: options.adapters ?? [], freeRamBytes: Math.max(0, freeRamBytes - loaded.model.size),
                ...(options.speculation != null ? {speculation: options.speculation} : {}),
                ...(signal != null ? {signal} : {})
            });
            await loaded.retireContext();
            return next;
        } catch (err) {
            if (signal?.aborted === true || !isUserFacingEngineError(err)) {
                await loaded.dispose();
                throw err;
            }
            this.log.warn(`${loaded.description.fileName} serves without LoRA adapters: ${err.message}`);
            loaded.noteAdapterNotice(err.message);
            return loaded;
        }
    }

    /** Disposes the model that was replaced, after its in-flight requests have stopped. */
    private async retire(previous: LoadedModel | undefined, llama: Llama): Promise<void> {
        if (previous == null)
            return;
        await previous.dispose();
        const previousLlama = previous.model.llama;
        if (previousLlama !== llama)
            await this.runtime.release(previousLlama);
        await releaseFreedMemory();
    }

    private emit(): void {
        for (const listener of this.listeners)
            listener(this.model);
    }
}

function translateLoadError(path: string, err: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted || isAbortError(err) || isUserFacingEngineError(err))
        return signal?.aborted ? signal.reason ?? err : err;
    const message = err instanceof Error ? err.message : String(err);
    return new ModelLoadError(path, message.split("\n")[0] || "llama.cpp refused the file", {cause: err});
}

function describeForLog(d: ModelDescription): string {
    const where = d.runtime.gpu === false ? "CPU" : `${d.runtime.gpu} (${d.runtime.gpuLayers} layers on GPU)`;
    return `${d.fileName}: ${d.architecture}, ${d.fileType ?? "unknown type"}, ${d.bitsPerWeight.toFixed(2)} bits/weight, ` +
        `context ${d.contextSize}, ${d.runtime.threads} threads on ${where}, FIM ${d.hasFim ? "yes" : "no"}, ` +
        `tools ${d.supportsTools ? "yes" : "no"} (${d.chatWrapper} chat format), ${Math.round(d.loadMs)} ms` +
        (d.speculation != null ? `, guessing ahead: ${d.speculation.predictor}${d.speculation.draft != null ? ` (draft ${d.speculation.draft.fileName})` : ""}` : "");
}
