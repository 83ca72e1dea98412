import {cpus, totalmem} from "node:os";
import type {Llama} from "node-llama-cpp";
import {AB_METRICS, type AbMetric, type AbReport, type CandidateResult, type ReferenceResult} from "../report/abReport";
import {qualityMetrics} from "../stats/qualityMetrics";
import type {TextSource} from "../corpus/textSources";
import {verdictLine} from "../stats/verdict";
import {cutWindows} from "../corpus/windows";
import type {LlamaRuntime} from "../../engine/llamaRuntime";
import type {GpuSetting} from "../../engine/engineSettings";
import {abModelKey, inspectAbModels, runTexts, tokenizeTexts, type AbModelFile, type AdapterCandidate} from "./abInputs";
import {abNotes} from "./abNotes";
import {extraContextWork} from "./extraContextPhase";
import {candidateWork, referenceWork, speedWork, type SpeedWork} from "./abPhases";
import {AbProgressReporter, type AbProgress} from "./abProgress";
import {energyMetrics, memoryMetrics, modelSummary, speedMetrics, taskMetrics} from "./abResults";
import {AbSession, type AbBudget, type ScoringMode} from "./abSession";
import {ReferenceCache} from "./referenceCache";

export type {AbProgress} from "./abProgress";

export interface AbRunOptions {
    readonly referencePath: string;
    readonly candidatePaths: readonly string[];
    /** Candidates that are a base model with LoRA adapters ("base + adapter X"), after the files. Default: none. */
    readonly adapterCandidates?: readonly AdapterCandidate[];
    readonly runtime: LlamaRuntime;
    /** Default: "auto". */
    readonly gpu?: GpuSetting;
    readonly threads: number;
    /** The user's own texts: when given, they alone are scored (as llama-perplexity scores its -f file). Default: none. */
    readonly texts?: readonly TextSource[];
    /** Score the built-in code and prose corpus when no texts are given. Default: true. */
    readonly builtInCorpus?: boolean;
    /** Tokens per window (llama-perplexity's -c). Default: 512. */
    readonly window?: number;
    /** Wall-clock target for the whole run; windows and task items stop being added when it runs out. Default: none. */
    readonly budgetSeconds?: number | null;
    /** Default: all of quality, tasks, speed. */
    readonly metrics?: readonly AbMetric[];
    /** Prompt-processing length: the completion context size. Default: 1024. */
    readonly completionContextSize?: number;
    /** Timed repetitions per model (at least 3). Default: 3. */
    readonly speedRepetitions?: number;
    /** Held-out lines for the FIM task. Default: 60. */
    readonly fimItems?: number;
    /**
     * Of the FIM task's lines, how many the reference answers again with the extra context the
     * editor would add, to report what it costs (tokens, time) and buys (exact match). Default: 0 (off).
     */
    readonly extraContextItems?: number;
    /** Safety prompts to run (harmful and benign alternate). Default: all 40. */
    readonly safetyPrompts?: number;
    /** Function-calling cases of the assistant's set to run. Default: all of them. */
    readonly functionCallingCases?: number;
    /** Seeds window order, held-out lines and every bootstrap. Default: 1. */
    readonly seed?: number;
    /** Folder of the reference cache; null turns caching off. Default: null. */
    readonly cacheDir?: string | null;
    /** How the reference was chosen, for the report. Default: its file type. */
    readonly referenceLabel?: string;
    /** Notes from reading the texts (skipped files), carried into the report. */
    readonly notes?: readonly string[];
    /** Free RAM in bytes; a seam for tests that simulate a small machine. Default: os.freemem. */
    readonly freeMemory?: () => number;
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: AbProgress) => void;
    /** How quality windows are scored; "in-process" skips the scoring child process (tests compare the two). Default: "auto". */
    readonly scoring?: ScoringMode;
}

export const DEFAULT_WINDOW = 512;
const SHARES: Record<AbMetric, number> = {quality: 0.5, tasks: 0.35, speed: 0.15};

/**
 * Compares quantizations of one model: distribution match on text windows, paired task
 * accuracy, speed, memory and energy. Quality and tasks load one model at a time (the
 * reference's results are kept, and cached on disk when `cacheDir` is set); speed loads them
 * together for ABAB repetitions when they fit in memory. A cancel throws an AbortError and
 * returns nothing partial (finished reference windows stay in the cache: they are complete).
 */
export async function runAb(options: AbRunOptions): Promise<AbReport> {
    const started = performance.now();
    const createdAt = new Date().toISOString();
    const session = await openSession(options);
    try {
        return await runSession(session, options, started, createdAt);
    } finally {
        await session.cache.dispose();
    }
}

async function runSession(session: AbSession, options: AbRunOptions, started: number, createdAt: string): Promise<AbReport> {
    const reference = await referenceWork(session, {fim: options.fimItems ?? 60, safety: options.safetyPrompts, functionCalling: options.functionCallingCases});
    const extraContext = await extraContextWork(session, reference.fim.items, options.extraContextItems ?? 0);
    const candidates: Array<Awaited<ReturnType<typeof candidateWork>>> = [];
    for (const [index, candidate] of session.candidates.entries())
        candidates.push(await candidateWork(session, candidate, index, reference));
    const speed = session.metrics.includes("speed") ? await speedWork(session, {
        completionContextSize: options.completionContextSize ?? 1024, repetitions: options.speedRepetitions ?? 3,
        ...(options.freeMemory != null ? {freeMemory: options.freeMemory} : {})
    }) : undefined;

    const bootstrap = {seed: session.settings.seed};
    const referenceResult: ReferenceResult = {
        model: modelSummary(session.reference),
        label: options.referenceLabel ?? `${session.reference.facts.fileType ?? "unknown type"} (chosen as the reference)`,
        ...perModel(session, session.reference, 0, speed),
        cachedWindows: reference.cachedWindows
    };
    const candidateResults = session.candidates.map((file, i): CandidateResult => {
        const {comparisons, answers} = candidates[i]!;
        const partial: Omit<CandidateResult, "verdict"> = {
            model: modelSummary(file),
            quality: comparisons.length > 0 ? qualityMetrics(comparisons, bootstrap) : null,
            tasks: session.metrics.includes("tasks") ? taskMetrics(answers, bootstrap) : null,
            ...perModel(session, file, i + 1, speed)
        };
        return {...partial, verdict: verdictLine(referenceResult, partial)};
    });
    session.progress.done();
    return {
        version: 1,
        createdAt,
        durationSeconds: (performance.now() - started) / 1000,
        machine: machineSummary(session.llama),
        settings: {
            window: session.settings.window, budgetSeconds: options.budgetSeconds ?? null, metrics: session.metrics, seed: session.settings.seed,
            threads: options.threads, backend: session.backend,
            texts: session.textNames
        },
        reference: referenceResult,
        candidates: candidateResults,
        ...(extraContext != null ? {extraContext} : {}),
        notes: abNotes({
            notes: options.notes ?? [], metrics: session.metrics, windows: session.windows.length, windowSize: session.settings.window,
            used: reference.records.length, budget: options.budgetSeconds ?? null, hasFim: session.reference.facts.fim != null,
            memoryPlan: speed?.memoryPlan, speed, streamTokens: session.stream.tokens.length, scoring: [...session.scoringNotes],
            ...(extraContext != null ? {extraContext} : {})
        })
    };
}

/** Checks the files, tokenizes the texts into windows and opens the cache: everything before the first model loads. */
async function openSession(options: AbRunOptions): Promise<AbSession> {
    const metrics = AB_METRICS.filter((m) => (options.metrics ?? AB_METRICS).includes(m));
    const seed = options.seed ?? 1;
    const window = options.window ?? DEFAULT_WINDOW;
    const {reference, candidates} = await inspectAbModels(options.referencePath, options.candidatePaths, options.signal, options.adapterCandidates);
    const llama = await options.runtime.get(options.gpu ?? "auto");
    const {texts, names} = runTexts(options.texts ?? [], options.builtInCorpus);
    const stream = await tokenizeTexts(llama, reference.facts.path, texts);
    const windows = cutWindows(stream.tokens, {size: window, ...(stream.bos != null ? {bos: stream.bos} : {})});
    const cache = options.cacheDir == null ? await ReferenceCache.temporary() : await ReferenceCache.open(options.cacheDir, {
        modelPath: reference.facts.path, backend: llama.gpu === false ? "cpu" : llama.gpu, window
    });
    return new AbSession(llama, reference, candidates, texts, names, stream, windows, metrics,
        budgetFor(options.budgetSeconds ?? null, metrics, candidates.length), cache,
        new AbProgressReporter(metrics, 1 + candidates.length, options.onProgress),
        {threads: options.threads, seed, window, signal: options.signal, runtime: options.runtime, gpu: options.gpu ?? "auto", scoring: options.scoring ?? "auto"});
}

/**
 * The reference's share of the budget per kind of work: each candidate repeats the same work,
 * so the reference gets 1 / (1 + candidates) of each metric's share.
 */
function budgetFor(total: number | null, metrics: readonly AbMetric[], candidates: number): AbBudget {
    if (total == null)
        return {};
    const shares = metrics.reduce((sum, m) => sum + SHARES[m], 0);
    const perModel = (metric: AbMetric) => (total * SHARES[metric] / shares) / (1 + candidates);
    const tasks = perModel("tasks");
    return {quality: perModel("quality"), fim: tasks * 0.5, safety: tasks * 0.2, functionCalling: tasks * 0.3};
}

function perModel(session: AbSession, file: AbModelFile, index: number, speed: SpeedWork | undefined) {
    const measured = session.measured.get(abModelKey(file));
    return {
        speed: speed == null ? null : speedMetrics(speed.samples[index]!, file, speed.plan, speed.bandwidth),
        memory: memoryMetrics(file, measured?.measurement, measured?.context ?? 0),
        energy: speed == null ? null : energyMetrics(speed.samples[index], speed.meter)
    };
}

function machineSummary(llama: Llama) {
    return {cpu: cpus()[0]?.model.trim() ?? "unknown CPU", cores: cpus().length, memoryBytes: totalmem(), gpu: llama.gpu === false ? null : String(llama.gpu)};
}
