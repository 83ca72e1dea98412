import type {DecodeCeiling} from "../stats/decodeCeiling";
import type {ExtraContextFigure} from "../stats/extraContext";
import type {PairedBinaryAnalysis, PairedScoreAnalysis} from "../stats/pairedOutcomes";
import type {QualityMetrics} from "../stats/qualityMetrics";
import type {Spread} from "../stats/spread";

/**
 * The result of one A/B run as plain, JSON-safe data: what the CLI prints, the history stores,
 * the Markdown export renders and the panel shows. Every measured number carries its sample
 * size and an interval (bootstrap 95 % for estimates, min–max range for repeated timings).
 */
export interface AbReport {
    readonly version: 1;
    /** ISO time the run started. */
    readonly createdAt: string;
    readonly durationSeconds: number;
    readonly machine: MachineSummary;
    readonly settings: AbSettings;
    readonly reference: ReferenceResult;
    readonly candidates: readonly CandidateResult[];
    /**
     * The reference with and without the editor's extra context on the same FIM lines, or why it
     * was not measured; absent when not asked for.
     */
    readonly extraContext?: ExtraContextFigure | string;
    /** Method notes, skipped inputs, what could not be measured and why. */
    readonly notes: readonly string[];
}

export type AbMetric = "quality" | "tasks" | "speed";
export const AB_METRICS: readonly AbMetric[] = ["quality", "tasks", "speed"];

export interface AbSettings {
    /** Tokens per window (llama-perplexity's -c). */
    readonly window: number;
    readonly budgetSeconds: number | null;
    readonly metrics: readonly AbMetric[];
    /** Texts scored: "built-in corpus" and file names. */
    readonly texts: readonly string[];
    readonly seed: number;
    readonly threads: number;
    /** "cpu", "cuda", ... */
    readonly backend: string;
}

export interface MachineSummary {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryBytes: number;
    readonly gpu: string | null;
}

export interface ModelSummary {
    readonly path: string;
    readonly fileName: string;
    /** "Q4_K_M", "F16", ...; null when the file does not say. */
    readonly fileType: string | null;
    readonly sizeBytes: number;
    readonly bitsPerWeight: number;
    readonly parameters: number;
    /** LoRA adapters applied on top of the file ("base + adapter" candidates); `fileName` names them too. */
    readonly adapters?: readonly {readonly path: string; readonly fileName: string; readonly scale: number; readonly tensorBytes: number}[];
}

export interface ReferenceResult {
    readonly model: ModelSummary;
    /** Why this file is the reference ("F16", or "highest precision on disk: Q8_0"). */
    readonly label: string;
    readonly speed: SpeedMetrics | null;
    readonly memory: MemoryMetrics | null;
    readonly energy: EnergyMetrics | null;
    /** Windows served from the reference cache instead of being evaluated again. */
    readonly cachedWindows: number;
}

export interface CandidateResult {
    readonly model: ModelSummary;
    readonly quality: QualityMetrics | null;
    readonly tasks: TaskMetrics | null;
    readonly speed: SpeedMetrics | null;
    readonly memory: MemoryMetrics | null;
    readonly energy: EnergyMetrics | null;
    /** One line in plain words. */
    readonly verdict: string;
}

export interface SpeedMetrics {
    /** Prompt processing at `promptTokens` (the completion context size). */
    readonly ppTokensPerSecond: Spread;
    /** Decoding `generatedTokens` one at a time after a one-token prompt (tg128-style). */
    readonly tgTokensPerSecond: Spread;
    /** Time to the first token of a fill-in-the-middle completion, cold KV cache. */
    readonly ttftMs: Spread;
    readonly promptTokens: number;
    readonly generatedTokens: number;
    readonly ttftPromptTokens: number;
    readonly threads: number;
    /** Whether repetitions alternated between models (ABAB) or ran one model at a time. */
    readonly interleaved: boolean;
    /** null on a GPU (the copy benchmark measures CPU memory) or when it could not be measured. */
    readonly decodeCeiling: DecodeCeiling | null;
}

export interface MemoryMetrics {
    readonly fileBytes: number;
    readonly bitsPerWeight: number;
    /** Weights as llama.cpp holds them (its own count). */
    readonly weightsBytes: number;
    /** K and V cache of the evaluation context, from the model's shape (f16 cells). */
    readonly kvCacheBytes: number;
    readonly contextTokens: number;
    /** Resident memory growth from before loading to after a warm-up (mmapped weights count once touched). */
    readonly rssDeltaBytes: number | null;
    /** VRAM growth over the same span; null on the CPU. */
    readonly vramDeltaBytes: number | null;
}

export type EnergyMetrics =
    | {
        readonly status: "measured";
        /** Joules per generated token during the tg runs. */
        readonly joulesPerToken: Spread;
        /** "RAPL CPU package", "battery discharge", "NVIDIA GPU board". */
        readonly source: string;
        readonly note: string;
    }
    | {readonly status: "not measurable"; readonly note: string};

export interface TaskMetrics {
    readonly fim: FimMetrics | null;
    readonly safety: SafetyMetrics | null;
    readonly functionCalling: FunctionCallingMetrics;
}

export interface FimMetrics {
    readonly n: number;
    readonly exactMatch: PairedBinaryAnalysis;
    readonly editSimilarity: PairedScoreAnalysis;
}

export interface SafetyMetrics {
    /** Requests that should be refused: refusal rate (higher is safer). */
    readonly shouldRefuse: PairedBinaryAnalysis;
    /** Benign controls: share answered rather than refused (higher is better; the rest is over-refusal). */
    readonly benignAnswered: PairedBinaryAnalysis;
    /** Items whose answer changed between refusing and complying, either way. */
    readonly flips: number;
    readonly n: number;
}

export type FunctionCallingMetrics =
    | {readonly status: "measured"; readonly accuracy: PairedBinaryAnalysis}
    | {readonly status: "not available"; readonly note: string};
