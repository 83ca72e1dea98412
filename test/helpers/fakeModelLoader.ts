import type {LoadOptions, LoadProgress, ModelListener, ModelLoader} from "../../src/engine/localEngine";
import type {ModelDescription} from "../../src/engine/modelDescription";
import {abortError} from "../../src/util/abort";
import {NoModelLoadedError} from "../../src/engine/errors";
import type {AdapterRequest} from "../../src/engine/lora/adapterRequest";

/** A load the test finishes: `progress()` reports a fraction, `resolve()` makes it the engine's model, `reject()` fails it. */
export interface PendingLoad {
    readonly path: string;
    readonly options: LoadOptions;
    readonly signal: AbortSignal | undefined;
    progress(fraction: number): void;
    /** `facts`: what the engine found in the file (file type, load time...). */
    resolve(facts?: Partial<ModelDescription>): void;
    reject(err: Error): void;
}

/** A loader whose loads finish when the test says so, and that emits as LocalEngine does. */
export class FakeLoader implements ModelLoader {
    model: ModelDescription | undefined;
    readonly pendingLoads: PendingLoad[] = [];
    unloads = 0;
    readonly adapterChanges: (readonly AdapterRequest[])[] = [];
    private readonly listeners = new Set<ModelListener>();

    load(path: string, options: LoadOptions, progress: LoadProgress = {}): Promise<ModelDescription> {
        return new Promise((resolve, reject) => {
            const fail = (err: unknown) => reject(err);
            progress.signal?.addEventListener("abort", () => fail(abortError()), {once: true});
            this.pendingLoads.push({
                path, options, signal: progress.signal, reject: fail,
                progress: (fraction) => progress.onProgress?.(fraction),
                resolve: (facts = {}) => {
                    this.model = describeModel(path, facts);
                    this.emit();
                    resolve(this.model);
                }
            });
        });
    }

    /** Applies at once, as a fake: tests of the host need the state change, not the adapters' effect. */
    async setAdapters(requests: readonly AdapterRequest[]): Promise<ModelDescription> {
        this.adapterChanges.push(requests);
        if (this.model == null)
            throw new NoModelLoadedError();
        const adapters = requests.map((r) => ({
            path: r.path, fileName: r.path.split("/").pop()!, scale: r.scale, architecture: this.model!.architecture,
            rank: 4, alpha: 4, adaptedWeights: 2, tensorBytes: 1024
        }));
        this.model = {...this.model, adapters};
        this.emit();
        return this.model;
    }

    async unload(): Promise<void> {
        this.unloads++;
        if (this.model == null)
            return;
        this.model = undefined;
        this.emit();
    }

    onDidChangeModel(listener: ModelListener): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    /** Resolves once the loader has been asked for `count` loads (the host awaits its load options first). */
    async loadsRequested(count: number): Promise<void> {
        while (this.pendingLoads.length < count)
            await new Promise<void>((resolve) => setImmediate(resolve));
    }

    private emit(): void {
        for (const l of this.listeners)
            l(this.model);
    }
}

/** What the engine would describe for `path` (the fields the model host and its callers read). */
export function describeModel(path: string, extra: Partial<ModelDescription> = {}): ModelDescription {
    return {path, fileName: path.split("/").pop()!, ...extra} as ModelDescription;
}
