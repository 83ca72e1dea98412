import {createHash} from "node:crypto";
import casesFile from "../../data/toolsEvalCases.json";
import {BUILTIN_TOOLS} from "../../tools/builtinTools";
import type {FunctionCallCase} from "../../tools/toolCallScoring";
import {silentLogger} from "../../util/logger";
import {assistantSystemPrompt} from "../../engine/chat/assistantPrompt";
import {evaluateFunctionCalling} from "../../engine/chat/functionCallEval";
import type {LlamaRuntime} from "../../engine/llamaRuntime";
import type {GpuSetting} from "../../engine/engineSettings";
import {LocalEngine} from "../../engine/localEngine";
import type {AdapterRequest} from "../../engine/lora/adapterRequest";
import {ModelLoadError} from "../../engine/errors";
import type {ReferenceCache} from "./referenceCache";

/** The assistant issue's function-calling cases (quantpilot tools-eval), scored by its own scorer. */
export const FUNCTION_CALL_CASES = casesFile.cases as FunctionCallCase[];

/** Enough for a call with its arguments; a reply that has not started a call by then is wrong anyway. */
const MAX_TOKENS = 160;
/** Cases per scorer call: the budget is checked between batches. */
const BATCH = 4;
const CONTEXT_SIZE = 4096;

export interface FunctionCallingOptions {
    readonly runtime: LlamaRuntime;
    readonly gpu: GpuSetting;
    readonly threads: number;
    readonly cache?: ReferenceCache;
    /** Seconds after which no more cases are taken (cached ones count with their recorded time). */
    readonly seconds?: number;
    readonly minCases: number;
    /** LoRA adapters on the model ("base + adapter" candidates). Default: none. */
    readonly adapters?: readonly AdapterRequest[];
    readonly signal?: AbortSignal;
    readonly onCase?: (done: number, total: number) => void;
}

/**
 * Right/wrong per case, in order, with the same loader, chat template, tools, system prompt and
 * scorer as `quantpilot tools-eval` (natural mode: the model decides whether to call). Returns a
 * reason instead when the model's chat template cannot offer tools.
 */
export async function functionCallingOutcomes(path: string, cases: readonly FunctionCallCase[], options: FunctionCallingOptions): Promise<boolean[] | string> {
    const outcomes: boolean[] = [];
    let spent = 0;
    let engine: LocalEngine | undefined;
    try {
        for (let start = 0; start < cases.length; start += BATCH) {
            if (outcomes.length >= options.minCases && options.seconds != null && spent >= options.seconds)
                break;
            options.signal?.throwIfAborted();
            const batch = cases.slice(start, start + BATCH);
            const cached = await Promise.all(batch.map((c) => options.cache?.getAnswer(caseKey(c))));
            if (cached.every((a) => a != null)) {
                outcomes.push(...cached.map((a) => a!.text === "1"));
                spent += cached.reduce((s, a) => s + a!.seconds, 0);
            } else {
                const started = performance.now();
                engine ??= await loadEngine(path, options);
                if (engine.model?.supportsTools !== true)
                    return `the model's chat template (${engine.model?.chatWrapper ?? "unknown"}) does not offer tools`;
                const result = await evaluateFunctionCalling(engine.loaded!, BUILTIN_TOOLS, batch, systemPrompt(),
                    {mode: "natural", maxTokens: MAX_TOKENS, ...(options.signal != null ? {signal: options.signal} : {})});
                const seconds = (performance.now() - started) / 1000;
                spent += seconds;
                for (const [i, r] of result.results.entries())
                    await options.cache?.putAnswer(caseKey(batch[i]!), {text: r.correct ? "1" : "0", seconds: seconds / batch.length});
                outcomes.push(...result.results.map((r) => r.correct));
            }
            options.onCase?.(outcomes.length, cases.length);
        }
        await options.cache?.flush();
        return outcomes;
    } finally {
        await engine?.dispose();
    }
}

async function loadEngine(path: string, options: FunctionCallingOptions): Promise<LocalEngine> {
    const engine = new LocalEngine(options.runtime, silentLogger);
    try {
        await engine.load(path, {gpu: options.gpu, threads: options.threads, contextSize: CONTEXT_SIZE, ...(options.adapters != null ? {adapters: options.adapters} : {})},
            options.signal != null ? {signal: options.signal} : {});
        if (engine.model?.adapterNotice != null)
            throw new ModelLoadError(path, engine.model.adapterNotice);
        return engine;
    } catch (err) {
        await engine.dispose();
        throw err;
    }
}

function systemPrompt(): string {
    return assistantSystemPrompt({folders: ["project"], tools: {available: true}});
}

function caseKey(c: FunctionCallCase): string {
    return `fc:${c.id}:${MAX_TOKENS}:${createHash("sha256").update(JSON.stringify(c) + systemPrompt()).digest("hex").slice(0, 16)}`;
}
