/**
 * Speculative decoding on assistant edit tasks: decode speed and end-to-end time of the same
 * greedy generations with no guessing, prompt lookup and a draft model, and whether the text is
 * identical (it must be).
 *
 *   npm run bench:speculative -- [--tasks 30] [--draft-tasks 6] [--max-tokens 160] [--threads 2] [--seed 1]
 *       [--only lookup|draft] [--guess-tokens N] [--json]
 *
 * Models: real weights from .cache/real-models/manifest.json when there (Qwen2.5-Coder-0.5B
 * Instruct is the prompt-lookup target and the draft for Qwen2.5-Coder-1.5B Instruct: same
 * vocabulary), else generated models (small target, tiny draft; random weights, so acceptance
 * there says nothing about real code). The last line is one JSON object.
 * Every run starts from an empty KV cache, so each predictor pays for its own prompt.
 */
import {existsSync, readFileSync} from "node:fs";
import {cpus} from "node:os";
import {join} from "node:path";
import {parseArgs} from "node:util";
import type {Token} from "node-llama-cpp";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {LocalEngine} from "../src/engine/localEngine";
import type {PredictorKind, SpeculationOptions} from "../src/engine/speculative/speculation";
import type {GenerateResult} from "../src/engine/tokenGeneration";
import {silentLogger} from "../src/util/logger";
import {CACHE_DIR, REPO_ROOT} from "../test/helpers/paths";
import {testModel} from "../test/helpers/testModels";
import {generateEditTasks, type EditTask} from "./editTasks";
import {addProfileTotals, emptyProfileTotals, profileSteps, profileSummary, type ProfileTotals, type StepProfile} from "./stepProfile";
import {measureLora} from "./lora";

const {values} = parseArgs({
    options: {
        tasks: {type: "string", default: "30"},
        "draft-tasks": {type: "string", default: "6"},
        "max-tokens": {type: "string", default: "160"},
        threads: {type: "string", default: "2"},
        seed: {type: "string", default: "1"},
        /** Run one half: "lookup" (prompt lookup on the small model) or "draft" (draft model pair). */
        only: {type: "string"},
        /** Most tokens guessed per step (prompt lookup and draft). Default: the product's defaults. */
        "guess-tokens": {type: "string"},
        /** Also prompt lookup on the draft pair's target (a third run per task). */
        "lookup-on-target": {type: "boolean", default: false},
        json: {type: "boolean", default: false},
        /** Leave out the LoRA section (bench/lora.ts). */
        "skip-lora": {type: "boolean", default: false}
    }
});
const threads = Number(values.threads);
const maxTokens = Number(values["max-tokens"]);

interface Pair {
    readonly weights: "real" | "generated";
    readonly small: string;
    readonly large: string;
}

interface Totals {
    tokens: number;
    decodeMs: number;
    totalMs: number;
    generateMs: number;
    accepted: number;
    rejected: number;
    texts: string[];
    /** Native step times during decoding (the prompt left out). */
    profile: ProfileTotals;
}

async function modelPair(): Promise<Pair> {
    const manifest = join(CACHE_DIR, "real-models", "manifest.json");
    if (existsSync(manifest)) {
        const models = (JSON.parse(readFileSync(manifest, "utf8")) as {models: {id: string; path: string}[]}).models;
        const small = models.find((m) => m.id.startsWith("qwen2.5-coder-0.5b"))?.path;
        const large = models.find((m) => m.id.startsWith("qwen2.5-coder-1.5b"))?.path;
        if (small != null && large != null && existsSync(small) && existsSync(large))
            return {weights: "real", small, large};
    }
    return {weights: "generated", small: await testModel("tiny"), large: await testModel("small")};
}

function chatPrompt(engine: LocalEngine, task: EditTask): Token[] {
    const loaded = engine.loaded!;
    const text = "<|im_start|>system\nYou are a careful coding assistant.<|im_end|>\n" +
        `<|im_start|>user\n${task.message}<|im_end|>\n<|im_start|>assistant\n${task.answerPrefix}`;
    return loaded.model.tokenize(text, true);
}

/** `generateStartedAt`: after the prompt, so generateMs is the time the profile covers. */
type Run = GenerateResult & {startedAt: number; generateStartedAt: number; profile: ProfileTotals};

async function run(engine: LocalEngine, prompt: Token[], predictor: PredictorKind, steps: StepProfile | undefined): Promise<Run> {
    const loaded = engine.loaded!;
    return loaded.exclusive(undefined, async (session) => {
        await session.evaluate([]); // an empty cache: each run pays for its prompt
        const startedAt = performance.now();
        // The prompt first (generation then reuses it), so the step profile holds decoding only.
        await session.evaluate(prompt.slice(0, -1));
        steps?.take();
        const generateStartedAt = performance.now();
        const result = await session.generate(prompt, {maxTokens, startedAt, predictor});
        return {...result, startedAt, generateStartedAt, profile: steps?.take() ?? emptyProfileTotals()};
    });
}

function add(totals: Totals, result: Run): void {
    totals.tokens += result.tokens.length;
    totals.decodeMs += result.finishedAt - (result.firstTokenAt ?? result.finishedAt);
    totals.totalMs += result.finishedAt - result.startedAt;
    totals.generateMs += result.finishedAt - result.generateStartedAt;
    totals.accepted += result.speculation.accepted;
    totals.rejected += result.speculation.rejected;
    totals.texts.push(result.text);
    addProfileTotals(totals.profile, result.profile);
}

/** `sameAsPlain`: every text so far equals the plain run's (a run stopped early still says so). */
function runningTotals(t: Totals, plain: Totals) {
    return {tokens: t.tokens, tokensPerSecond: round(tokensPerSecond(t), 2), totalMs: Math.round(t.totalMs), accepted: t.accepted, rejected: t.rejected,
        sameAsPlain: t.texts.every((text, i) => text === plain.texts[i])};
}

const empty = (): Totals => ({tokens: 0, decodeMs: 0, totalMs: 0, generateMs: 0, accepted: 0, rejected: 0, texts: [], profile: emptyProfileTotals()});
const tokensPerSecond = (t: Totals) => t.decodeMs > 0 ? (t.tokens - 0) / (t.decodeMs / 1000) : 0;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Each task with each predictor, predictors in turn per task so machine load hits all alike. */
async function compare(path: string, speculation: SpeculationOptions, tasks: readonly EditTask[], predictors: readonly PredictorKind[]) {
    const runtime = new LlamaRuntime(silentLogger);
    const engine = new LocalEngine(runtime, silentLogger);
    try {
        const loadStarted = performance.now();
        await engine.load(path, {gpu: "cpu", threads, contextSize: 2048, speculation});
        const loadMs = performance.now() - loadStarted;
        const steps = profileSteps(engine.loaded!.llamaContext);
        const draftContext = engine.loaded!.speculation?.draft?.context;
        const draftSteps = draftContext != null ? profileSteps(draftContext) : undefined;
        const draftProfile = emptyProfileTotals();
        const totals = new Map(predictors.map((p) => [p, empty()]));
        for (const [i, task] of tasks.entries()) {
            const prompt = chatPrompt(engine, task);
            for (const predictor of i % 2 === 0 ? predictors : [...predictors].reverse()) {
                draftSteps?.take();
                add(totals.get(predictor)!, await run(engine, prompt, predictor, steps));
                if (predictor === "draftModel" && draftSteps != null)
                    addProfileTotals(draftProfile, draftSteps.take());
            }
            // Running totals after each task, so a run stopped early still says what it measured.
            process.stderr.write(`task ${i + 1}/${tasks.length} ${task.kind} ${task.functionName}: ` +
                JSON.stringify(predictors.map((p) => ({p, ...runningTotals(totals.get(p)!, totals.get("none")!)}))) + "\n");
        }
        return {totals, loadMs, description: engine.model!, draftProfile};
    } finally {
        await engine.dispose();
        await runtime.dispose();
    }
}

function summary(base: Totals, fast: Totals) {
    const identical = base.texts.every((t, i) => t === fast.texts[i]);
    return {
        speedup: round(tokensPerSecond(fast) / tokensPerSecond(base)),
        endToEndSpeedup: round(base.totalMs / fast.totalMs),
        acceptance: fast.accepted + fast.rejected > 0 ? round(fast.accepted / (fast.accepted + fast.rejected), 3) : null,
        tokensPerSecond: {plain: round(tokensPerSecond(base), 1), speculative: round(tokensPerSecond(fast), 1)},
        totalMs: {plain: Math.round(base.totalMs), speculative: Math.round(fast.totalMs)},
        tokens: fast.tokens,
        identicalOutput: identical,
        steps: {plain: stepBreakdown(base), speculative: stepBreakdown(fast)}
    };
}

/** Decode time split into model steps, sampling and the rest (JS, predictor, KV edits). */
function stepBreakdown(t: Totals) {
    const profile = profileSummary(t.profile);
    const sampleMs = t.profile.sampleMs;
    return {...profile, generateMs: Math.round(t.generateMs), otherMs: Math.round(t.generateMs - profile.stepDecodeMs - sampleMs)};
}

const guessTokens = values["guess-tokens"] != null ? {maxDraftTokens: Number(values["guess-tokens"])} : {};

async function main(): Promise<void> {
    const pair = await modelPair();
    const tasks = await generateEditTasks(REPO_ROOT, Number(values.tasks), Number(values.seed));
    const names = (p: string) => p.split("/").pop();
    const draftTasks = tasks.slice(0, Number(values["draft-tasks"]));
    const lookup = values.only === "draft" ? undefined : await compare(pair.small, {mode: "promptLookup", ...guessTokens}, tasks, ["none", "promptLookup"]);
    const drafted = values.only === "lookup"
        ? undefined
        : await compare(pair.large, {mode: "draftModel", draftModelPath: pair.small, ...guessTokens}, draftTasks,
            values["lookup-on-target"] ? ["none", "draftModel", "promptLookup"] : ["none", "draftModel"]);
    const result = {
        guessTokens: values["guess-tokens"] ?? "default",
        machine: `${cpus().length}-core ${process.arch} ${process.platform}`, date: new Date().toISOString(), threads, weights: pair.weights, maxTokens,
        promptLookup: lookup == null
            ? null
            : {model: names(pair.small), editTasks: tasks.length, ...summary(lookup.totals.get("none")!, lookup.totals.get("promptLookup")!)},
        draftModel: drafted == null ? null : {
            pair: `${names(pair.small)} -> ${names(pair.large)}`, editTasks: draftTasks.length,
            draftLoaded: drafted.description.speculation?.draft != null, notice: drafted.description.speculation?.notice ?? null,
            ...summary(drafted.totals.get("none")!, drafted.totals.get("draftModel")!),
            // The draft's own steps (its prompt included): the time guessing costs on the same cores.
            draftSteps: {...profileSummary(drafted.draftProfile, Number.MAX_SAFE_INTEGER),
                allStepsMs: Math.round([...drafted.draftProfile.bySize.values()].reduce((sum, t) => sum + t.decodeMs, 0))},
            promptLookupOnTarget: drafted.totals.has("promptLookup") ? summary(drafted.totals.get("none")!, drafted.totals.get("promptLookup")!) : null
        },
        lora: values["skip-lora"] === true ? null : await measureLora({threads})
    };
    console.log(JSON.stringify(result));
}

void main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
});
