import {join} from "node:path";
import type {Llama} from "node-llama-cpp";
import type {AbMetric} from "../report/abReport";
import type {LlamaRuntime} from "../../engine/llamaRuntime";
import type {GpuSetting} from "../../engine/engineSettings";
import type {TextSource} from "../corpus/textSources";
import type {TokenWindow} from "../corpus/windows";
import {abModelKey, abModelName, type AbModelFile} from "./abInputs";
import type {AbProgressReporter} from "./abProgress";
import {LocalEngineBuilds} from "../../engine/build/localEngineBuilds";
import {checkMemoryFits} from "../../engine/memoryFit";
import {isAbortError} from "../../util/abort";
import {InProcessScorer} from "./inProcessScorer";
import {logitsLibraries} from "./logits/logitsLibraries";
import {LogitsScorer, LogitsUnavailableError} from "./logits/logitsScorer";
import type {ReferenceCache} from "./referenceCache";
import {ScoringModel, type LoadMeasurement} from "./scoringModel";
import type {WindowScorer} from "./windowScorer";

/** How windows are scored: the child process where it can run (default), or in this process. */
export type ScoringMode = "auto" | "in-process";

/** Seconds the reference may spend per kind of work before no more items are added. */
export interface AbBudget {
    readonly quality?: number;
    readonly fim?: number;
    readonly safety?: number;
    readonly functionCalling?: number;
}

/** Everything one A/B run shares between its phases. */
export class AbSession {
    /** The first load of each model (by path): what it cost in memory, and the context it had. */
    readonly measured = new Map<string, {measurement: LoadMeasurement; context: number}>();
    /** How the quality windows were scored, and why not the fast way when it could not run. */
    readonly scoringNotes = new Set<string>();
    private childUnavailable: string | undefined;

    constructor(
        readonly llama: Llama,
        readonly reference: AbModelFile,
        readonly candidates: readonly AbModelFile[],
        readonly texts: readonly TextSource[],
        /** What the report lists as the texts scored. */
        readonly textNames: readonly string[],
        readonly stream: {readonly tokens: readonly number[]; readonly bos: number | undefined},
        readonly windows: readonly TokenWindow[],
        readonly metrics: readonly AbMetric[],
        readonly budget: AbBudget,
        readonly cache: ReferenceCache,
        readonly progress: AbProgressReporter,
        readonly settings: {
            readonly threads: number; readonly seed: number; readonly window: number; readonly signal: AbortSignal | undefined;
            /** For loaders that go through the engine (function calling uses the assistant's own loader). */
            readonly runtime: LlamaRuntime; readonly gpu: GpuSetting;
            readonly scoring: ScoringMode;
        }
    ) {}

    get backend(): string {
        return this.llama.gpu === false ? "cpu" : this.llama.gpu;
    }

    /** Loads a model for scoring with its own context, recording what its first load cost. */
    async load(file: AbModelFile, contextSize: number): Promise<ScoringModel> {
        this.progress.note(`Loading ${abModelName(file)}\u2026`);
        const signal = this.settings.signal;
        const model = await ScoringModel.load(this.llama, file.facts, {
            threads: this.settings.threads, contextSize, ...(signal != null ? {signal} : {}), ...(file.adapters != null ? {adapters: file.adapters} : {})
        });
        this.record(file, model.measurement, model.contextSize);
        return model;
    }

    /**
     * Loads a model for the quality windows: in the scoring child process (raw logits), or in
     * this process when the child cannot run here, said so in the notes.
     */
    async scorer(file: AbModelFile): Promise<WindowScorer> {
        const {settings} = this;
        if (settings.scoring === "in-process" || this.childUnavailable != null)
            return this.inProcessScorer(file);
        if (file.adapters != null && file.adapters.length > 0) {
            // The scoring process loads plain files; adapters apply through node-llama-cpp, in this process.
            const scorer = new InProcessScorer(await this.load(file, settings.window));
            this.scoringNotes.add(`${abModelName(file)}: ${scorer.method}, because LoRA adapters are applied through node-llama-cpp`);
            return scorer;
        }
        this.progress.note(`Loading ${file.facts.fileName}\u2026`);
        await checkMemoryFits(this.llama, file.facts, settings.window);
        const localBuild = settings.runtime.engine?.localBuild;
        try {
            const scorer = await LogitsScorer.start({
                libraries: logitsLibraries(this.llama.gpu, localBuild != null ? join(new LocalEngineBuilds().dir, localBuild.folder) : undefined),
                modelPath: file.facts.path, threads: settings.threads, contextSize: settings.window,
                gpuLayers: this.llama.gpu === false ? 0 : -1,
                ...(this.llama.gpu !== false ? {vramUsed: async () => (await this.llama.getVramState()).used} : {}),
                ...(settings.signal != null ? {signal: settings.signal} : {})
            });
            this.record(file, scorer.measurement, settings.window);
            this.scoringNotes.add(scorer.method);
            return scorer;
        } catch (err) {
            if (settings.signal?.aborted || isAbortError(err) || !(err instanceof LogitsUnavailableError))
                throw err;
            this.childUnavailable = err.message;
            return this.inProcessScorer(file);
        }
    }

    private async inProcessScorer(file: AbModelFile): Promise<WindowScorer> {
        const scorer = new InProcessScorer(await this.load(file, this.settings.window));
        this.scoringNotes.add(this.childUnavailable != null ? `${scorer.method}, because the scoring process could not start: ${this.childUnavailable}` : scorer.method);
        return scorer;
    }

    private record(file: AbModelFile, measurement: LoadMeasurement, context: number): void {
        if (!this.measured.has(abModelKey(file)))
            this.measured.set(abModelKey(file), {measurement, context});
    }

    /** The context quality and tasks run in: the window, and room for the task prompts. */
    get scoringContext(): number {
        return Math.max(this.settings.window, 512);
    }
}
