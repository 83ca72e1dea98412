import {isAbortError} from "../util/abort";
import type {LoadOptions, ModelLoader} from "./localEngine";
import type {ModelDescription} from "./modelDescription";
import type {AdapterRequest} from "./lora/adapterRequest";

export type ModelState =
    | {readonly kind: "none"}
    /** A load is under way; `previous` keeps serving until it is ready. */
    | {readonly kind: "loading"; readonly path: string; readonly previous?: ModelDescription}
    | {readonly kind: "ready"; readonly model: ModelDescription}
    | {readonly kind: "failed"; readonly path: string; readonly message: string};

export interface LoadFailure {
    readonly path: string;
    readonly message: string;
}

export interface HostLoadOptions {
    readonly signal?: AbortSignal;
    /** 0..1 while the weights are read. */
    readonly onProgress?: (fraction: number) => void;
}

/**
 * The one owner of "which model is loaded". Every load, unload and switch goes through it, and
 * its state is derived from the engine (what is loaded), the load under way and the last failure,
 * so it cannot say "ready" for a model the engine no longer has. A newer load supersedes an older
 * one; a failed or cancelled load leaves the previous model serving.
 */
export class ModelHost {
    private readonly listeners = new Set<(state: ModelState) => void>();
    private readonly subscription: {dispose(): void};
    private pending: {readonly path: string; readonly controller: AbortController} | undefined;
    private failure: LoadFailure | undefined;
    /** The LoRA adapters the user wants: applied now, and carried to every model loaded next. */
    private wanted: readonly AdapterRequest[] = [];
    private adapterProblem: string | undefined;

    constructor(
        private readonly loader: ModelLoader,
        /** How to load a model (threads, GPU, context), decided when the load starts. */
        private readonly loadOptions: (path: string) => Promise<LoadOptions>
    ) {
        this.subscription = loader.onDidChangeModel(() => this.changed());
    }

    get state(): ModelState {
        const model = this.loader.model;
        if (this.pending != null)
            return {kind: "loading", path: this.pending.path, ...(model != null ? {previous: model} : {})};
        if (model != null)
            return {kind: "ready", model};
        if (this.failure != null)
            return {kind: "failed", ...this.failure};
        return {kind: "none"};
    }

    /** What serves requests now (also during a load, until the new model is ready). */
    get model(): ModelDescription | undefined {
        return this.loader.model;
    }

    /** Why the newest load failed, kept until a load succeeds or the model is unloaded. */
    get lastFailure(): LoadFailure | undefined {
        return this.failure;
    }

    /** The adapters asked for (the loaded model's description says which are applied). */
    get wantedAdapters(): readonly AdapterRequest[] {
        return this.wanted;
    }

    /** Why the newest adapter change was refused, kept until one succeeds. */
    get adapterFailure(): string | undefined {
        return this.adapterProblem;
    }

    /**
     * Applies these LoRA adapters (empty: none) to the loaded model without reloading it, and
     * carries them to models loaded later (a quantization switch keeps them: adapters apply at run
     * time, so they stay valid for the same base shapes). With no model loaded they are only kept.
     * A refusal throws; the model keeps serving with the adapters it had.
     */
    async setAdapters(requests: readonly AdapterRequest[], signal?: AbortSignal): Promise<ModelDescription | undefined> {
        if (this.loader.model == null) {
            this.wanted = [...requests];
            this.adapterProblem = undefined;
            this.changed();
            return undefined;
        }
        try {
            const model = await this.loader.setAdapters(requests, signal);
            this.wanted = [...requests];
            this.adapterProblem = undefined;
            return model;
        } catch (err) {
            if (!isAbortError(err))
                this.adapterProblem = err instanceof Error ? err.message : String(err);
            throw err;
        } finally {
            this.changed();
        }
    }

    onDidChangeState(listener: (state: ModelState) => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    /**
     * Loads `path`, superseding a load under way. Resolves with the model, or undefined when a newer
     * load or an unload superseded this one. Throws the load's error (an abort through `signal` too);
     * the previous model keeps serving either way.
     */
    async load(path: string, options: HostLoadOptions = {}): Promise<ModelDescription | undefined> {
        this.pending?.controller.abort();
        const controller = new AbortController();
        const pending = {path, controller};
        this.pending = pending;
        this.changed();
        const signal = options.signal != null ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
        try {
            const loadOptions = {...await this.loadOptions(path), adapters: this.wanted};
            const model = await this.loader.load(path, loadOptions, {
                signal, ...(options.onProgress != null ? {onProgress: options.onProgress} : {})
            });
            this.failure = undefined;
            return model;
        } catch (err) {
            if (controller.signal.aborted)
                return undefined; // superseded: the newer load or the unload owns the state now
            this.failure = isAbortError(err) ? undefined : {path, message: err instanceof Error ? err.message : String(err)};
            throw err;
        } finally {
            if (this.pending === pending)
                this.pending = undefined;
            this.changed();
        }
    }

    /** Stops a load under way and frees the loaded model. */
    async unload(): Promise<void> {
        this.pending?.controller.abort();
        this.pending = undefined;
        this.failure = undefined;
        await this.loader.unload();
        this.changed();
    }

    dispose(): void {
        this.pending?.controller.abort();
        this.subscription.dispose();
        this.listeners.clear();
    }

    private changed(): void {
        const state = this.state;
        for (const listener of this.listeners)
            listener(state);
    }
}
