import {SAFETY_PROMPTS, type SafetyPrompt} from "../corpus/safetyPrompts";
import {heldOutLines, type FimItem} from "../stats/fimTask";
import type {ReferenceWindow} from "../stats/referenceWindow";
import type {WindowComparison} from "../stats/windowComparison";
import {metaNumber} from "../../gguf/ggufReader";
import type {FunctionCallCase} from "../../tools/toolCallScoring";
import type {AbSession} from "./abSession";
import type {AbModelFile} from "./abInputs";
import {planMemory, type MemoryPlan} from "./abMemoryPlan";
import type {TaskAnswers} from "./abResults";
import {openEnergyMeter, type EnergyMeter} from "./energyMeter";
import {FUNCTION_CALL_CASES, functionCallingOutcomes, type FunctionCallingOptions} from "./functionCallingPhase";
import {copyBandwidth} from "../stats/memoryBandwidth";
import {candidatePass, referencePass} from "./qualityPhase";
import {abModelName, shuffledWindows} from "./abInputs";
import type {ScoringModel} from "./scoringModel";
import type {WindowScorer} from "./windowScorer";
import {measureSpeed, type SpeedSamples} from "./speedPhase";
import {speedPrompts} from "./speedPrompts";
import {answerItems, fimTaskItem, safetyTaskItem, type AnswerOptions} from "./taskPhase";

/** Decode steps of the tg timing (llama-bench's tg128). */
export const TG_TOKENS = 128;
/** Task items always answered, whatever the budget. */
const MIN_TASK_ITEMS = 10;

/** What the reference produced: the records and answers every candidate is compared with. */
export interface ReferenceWork {
    readonly records: readonly ReferenceWindow[];
    readonly cachedWindows: number;
    readonly fim: {readonly items: readonly FimItem[]; readonly answers: readonly string[]};
    readonly safety: {readonly items: readonly SafetyPrompt[]; readonly answers: readonly string[]};
    /** Cases run and the reference's outcomes, or why function calling was not measured. */
    readonly functionCalling: {readonly cases: readonly FunctionCallCase[]; readonly outcomes: readonly boolean[]} | string;
}

/**
 * The reference's pass: window records and task answers, from the cache where possible; the
 * model is loaded only on the first miss and freed before any candidate is loaded.
 */
export async function referenceWork(session: AbSession, counts: {fim: number; safety?: number | undefined; functionCalling?: number | undefined}): Promise<ReferenceWork> {
    const {reference, metrics, budget, cache, progress, settings} = session;
    let model: ScoringModel | undefined;
    const load = async () => model ??= await session.load(reference, session.scoringContext);
    const fimItems = metrics.includes("tasks") && reference.facts.fim != null
        ? heldOutLines(session.texts.filter((t) => t.kind === "code"), {count: counts.fim, seed: settings.seed}) : [];
    const safetyItems = metrics.includes("tasks") ? interleavedSafetyPrompts().slice(0, counts.safety) : [];
    let work: Omit<ReferenceWork, "functionCalling">;
    let scorer: WindowScorer | undefined;
    try {
        const quality = !metrics.includes("quality") ? {records: [], cached: 0} : await referencePass({
            windows: shuffledWindows(session.windows, settings.seed), reference: async () => scorer ??= await session.scorer(reference), cache,
            ...(budget.quality != null ? {referenceSeconds: budget.quality} : {}), ...signalOf(session),
            onWindow: (done, total, cached) => progress.step("quality", 0, done, budget.quality == null ? total : done + 1,
                `Reference: window ${done}${budget.quality == null ? ` of ${total}` : ""}`, cached)
        }).finally(() => scorer?.dispose());
        const fim = await answerItems(load, fimItems.map(fimTaskItem), answerOptions(session, "FIM line", 0, budget.fim, MIN_TASK_ITEMS, true));
        const safety = await answerItems(load, safetyItems.map((s) => safetyTaskItem(s.id, s.prompt)),
            answerOptions(session, "safety prompt", 0, budget.safety, MIN_TASK_ITEMS, true));
        work = {
            records: quality.records, cachedWindows: quality.cached,
            fim: {items: fimItems.slice(0, fim.length), answers: fim},
            safety: {items: safetyItems.slice(0, safety.length), answers: safety}
        };
    } finally {
        await model?.dispose();
    }
    if (!metrics.includes("tasks"))
        return {...work, functionCalling: "not asked for"};
    // Loaded through the assistant's own engine, after the scoring model is freed.
    const cases = FUNCTION_CALL_CASES.slice(0, counts.functionCalling ?? FUNCTION_CALL_CASES.length);
    const outcomes = await functionCallingOutcomes(reference.facts.path, cases, functionCallingOptions(session, 0, budget.functionCalling, MIN_TASK_ITEMS, true));
    return {...work, functionCalling: typeof outcomes === "string" ? outcomes : {cases: cases.slice(0, outcomes.length), outcomes}};
}

/** One candidate on exactly the reference's windows and items; the model is freed afterwards. */
export async function candidateWork(
    session: AbSession, candidate: AbModelFile, index: number, reference: ReferenceWork
): Promise<{comparisons: WindowComparison[]; answers: TaskAnswers}> {
    const comparisons = session.metrics.includes("quality") ? await candidateQuality(session, candidate, index, reference) : [];
    if (!session.metrics.includes("tasks"))
        return {comparisons, answers: {fim: null, safety: null, functionCalling: "not asked for"}};
    const model = await session.load(candidate, session.scoringContext);
    const name = abModelName(candidate);
    try {
        const fim = await answerItems(async () => model, reference.fim.items.map(fimTaskItem), answerOptions(session, `${name}: FIM line`, index + 1));
        const safety = await answerItems(async () => model, reference.safety.items.map((s) => safetyTaskItem(s.id, s.prompt)),
            answerOptions(session, `${name}: safety prompt`, index + 1));
        return {comparisons, answers: {
            fim: reference.fim.items.length > 0 ? {items: reference.fim.items, reference: reference.fim.answers, candidate: fim} : null,
            safety: {items: reference.safety.items, reference: reference.safety.answers, candidate: safety},
            functionCalling: await candidateFunctionCalling(session, candidate, index, reference, model)
        }};
    } finally {
        await model.dispose();
    }
}

async function candidateQuality(session: AbSession, candidate: AbModelFile, index: number, reference: ReferenceWork): Promise<WindowComparison[]> {
    const scorer = await session.scorer(candidate);
    const name = abModelName(candidate);
    try {
        const windows = new Map(session.windows.map((w) => [w.index, w]));
        return await candidatePass(scorer, reference.records, windows, session.cache, session.settings.signal,
            (done, total) => session.progress.step("quality", index + 1, done, total, `${name}: window ${done} of ${total}`));
    } finally {
        await scorer.dispose();
    }
}

async function candidateFunctionCalling(
    session: AbSession, candidate: AbModelFile, index: number, reference: ReferenceWork, scoring: ScoringModel
): Promise<TaskAnswers["functionCalling"]> {
    const fc = reference.functionCalling;
    if (typeof fc === "string")
        return fc;
    // The scoring model goes first: function calling loads the file again through the engine.
    await scoring.dispose();
    const outcomes = await functionCallingOutcomes(candidate.facts.path, fc.cases, {
        ...functionCallingOptions(session, index + 1), ...(candidate.adapters != null ? {adapters: candidate.adapters} : {})
    });
    return typeof outcomes === "string" ? outcomes : {reference: fc.outcomes, candidate: outcomes};
}

function functionCallingOptions(session: AbSession, model: number, seconds?: number, minCases = 0, useCache = false): FunctionCallingOptions {
    return {
        runtime: session.settings.runtime, gpu: session.settings.gpu, threads: session.settings.threads,
        ...(useCache && session.cache != null ? {cache: session.cache} : {}),
        ...(seconds != null ? {seconds} : {}),
        minCases, ...signalOf(session),
        onCase: (done, total) => session.progress.step("tasks", model, done, total, `${model === 0 ? "Reference: " : ""}function-calling case ${done} of ${total}`)
    };
}

/** Timings of every model (reference first), with the memory plan and energy meter they ran under. */
export interface SpeedWork {
    readonly samples: SpeedSamples[];
    readonly meter: EnergyMeter | string;
    readonly bandwidth: number | undefined;
    readonly memoryPlan: MemoryPlan;
    readonly plan: {promptTokens: number; generatedTokens: number; ttftPromptTokens: number; threads: number; interleaved: boolean};
}

export async function speedWork(session: AbSession, options: {completionContextSize: number; repetitions: number; freeMemory?: () => number}): Promise<SpeedWork> {
    const {llama, reference, candidates} = session;
    const all = [reference, ...candidates];
    const prompts = await speedPrompts(llama, reference.facts.path, session.stream.tokens, session.texts, options.completionContextSize);
    const contextSize = Math.max(prompts.promptTokens.length, prompts.ttftPrompt.length) + TG_TOKENS + 8;
    const blockCount = (f: AbModelFile) => metaNumber(f.header, `${f.facts.architecture}.block_count`) ?? 0;
    const memoryPlan = await planMemory(llama, all.map((f) => ({path: f.facts.path, layers: blockCount(f)})), contextSize, options.freeMemory);
    const meter = await openEnergyMeter(llama.gpu);
    const samples = await measureSpeed(all.map((file) => ({load: () => session.load(file, contextSize), release: (m) => m.dispose()})), memoryPlan.together, {
        ...prompts, generatedTokens: TG_TOKENS, repetitions: Math.max(3, options.repetitions),
        energy: typeof meter === "string" ? undefined : meter, ...signalOf(session),
        onStep: (done, total) => session.progress.step("speed", 0, done, total, `Timing: run ${done} of ${total}`)
    });
    return {
        samples, meter, memoryPlan,
        bandwidth: llama.gpu === false ? await copyBandwidth() : undefined,
        plan: {
            promptTokens: prompts.promptTokens.length, generatedTokens: TG_TOKENS, ttftPromptTokens: prompts.ttftPrompt.length,
            threads: session.settings.threads, interleaved: memoryPlan.together
        }
    };
}

function answerOptions(
    session: AbSession, what: string, model: number, seconds?: number, minItems = 0, useCache = false
): AnswerOptions {
    return {
        ...(useCache && session.cache != null ? {cache: session.cache} : {}),
        ...(seconds != null ? {seconds} : {}),
        minItems,
        ...signalOf(session),
        onItem: (done, total) => session.progress.step("tasks", model, done, total, `${model === 0 ? "Reference: " : ""}${what} ${done} of ${total}`)
    };
}

function signalOf(session: AbSession): {signal?: AbortSignal} {
    return session.settings.signal != null ? {signal: session.settings.signal} : {};
}

/** Harmful and benign prompts alternate, so a budget that cuts the list keeps both kinds. */
function interleavedSafetyPrompts(): SafetyPrompt[] {
    const harmful = SAFETY_PROMPTS.filter((p) => p.shouldRefuse);
    const benign = SAFETY_PROMPTS.filter((p) => !p.shouldRefuse);
    return Array.from({length: Math.max(harmful.length, benign.length)}, (_, i) => [harmful[i], benign[i]])
        .flat().filter((p): p is SafetyPrompt => p != null);
}
