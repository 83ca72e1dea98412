import type {Llama} from "node-llama-cpp";
import type {AbMetric} from "../report/abReport";
import type {LlamaRuntime} from "../../engine/llamaRuntime";
import type {GpuSetting} from "../../engine/engineSettings";
import type {TextSource} from "../corpus/textSources";
import type {TokenWindow} from "../corpus/windows";
import type {AbModelFile} from "./abInputs";
import type {AbProgressReporter} from "./abProgress";
import type {ReferenceCache} from "./referenceCache";
import {ScoringModel, type LoadMeasurement} from "./scoringModel";

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

    constructor(
        readonly llama: Llama,
        readonly reference: AbModelFile,
        readonly candidates: readonly AbModelFile[],
        readonly texts: readonly TextSource[],
        readonly stream: {readonly tokens: readonly number[]; readonly bos: number | undefined},
        readonly windows: readonly TokenWindow[],
        readonly metrics: readonly AbMetric[],
        readonly budget: AbBudget,
        readonly cache: ReferenceCache | undefined,
        readonly progress: AbProgressReporter,
        readonly settings: {
            readonly threads: number; readonly seed: number; readonly window: number; readonly signal: AbortSignal | undefined;
            /** For loaders that go through the engine (function calling uses the assistant's own loader). */
            readonly runtime: LlamaRuntime; readonly gpu: GpuSetting;
        }
    ) {}

    get backend(): string {
        return this.llama.gpu === false ? "cpu" : this.llama.gpu;
    }

    /** Loads a model for scoring with its own context, recording what its first load cost. */
    async load(file: AbModelFile, contextSize: number): Promise<ScoringModel> {
        this.progress.note(`Loading ${file.facts.fileName}\u2026`);
        const signal = this.settings.signal;
        const model = await ScoringModel.load(this.llama, file.facts, {threads: this.settings.threads, contextSize, ...(signal != null ? {signal} : {})});
        if (!this.measured.has(file.facts.path))
            this.measured.set(file.facts.path, {measurement: model.measurement, context: model.contextSize});
        return model;
    }

    /** The context quality and tasks run in: the window, and room for the task prompts. */
    get scoringContext(): number {
        return Math.max(this.settings.window, 512);
    }
}
