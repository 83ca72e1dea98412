import {CompletionService, type CompletionSettings} from "../../src/completion/completionService";
import {LocalCompleter} from "../../src/completion/localCompleter";
import {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {LocalEngine} from "../../src/engine/localEngine";
import {silentLogger} from "../../src/util/logger";
import {startLlamaServer} from "../llamaServerProcess";
import {scoreFim, type FimAnswer, type FimOutcome} from "./fimScore";
import type {FimTask} from "./fimTasks";
import {infill} from "./infillClient";

export interface FimRunOptions {
    readonly threads: number;
    /** Generated-token budget of both sides (QuantPilot's maxTokens, llama-server's n_predict). */
    readonly maxTokens: number;
    readonly contextSize: number;
    readonly onProgress?: (done: number, total: number) => void;
    /** Called with both sides' outcomes so far after each task, so a run stopped early keeps them. */
    readonly onOutcomes?: (quantpilot: readonly FimOutcome[], llamaServer: readonly FimOutcome[]) => Promise<void>;
}

/** QuantPilot's settings for one-off tasks: no debounce, no prefetch, no time budget (the text never depends on speed). */
function settings(maxTokens: number): CompletionSettings {
    return {maxTokens, debounceMs: 0, alternatives: 1, prefetch: false, contextChunks: 0};
}

/** An engine with the model loaded and the editor's pipeline (CompletionService) over it. */
export class QuantPilotSide {
    private constructor(private readonly runtime: LlamaRuntime, private readonly engine: LocalEngine, private readonly service: CompletionService) {}

    static async start(model: string, options: FimRunOptions): Promise<QuantPilotSide> {
        const runtime = new LlamaRuntime(silentLogger);
        const engine = new LocalEngine(runtime, silentLogger);
        await engine.load(model, {gpu: "cpu", threads: options.threads, contextSize: options.contextSize});
        const service = new CompletionService(new LocalCompleter(engine), () => settings(options.maxTokens), silentLogger);
        return new QuantPilotSide(runtime, engine, service);
    }

    async answer(task: FimTask, index: number): Promise<FimAnswer> {
        const result = await this.service.suggest({
            documentKey: `task-${index}:${task.file}`, line: task.line, prefix: task.prefix, suffix: task.suffix,
            fileName: task.file.slice(task.file.indexOf("/") + 1)
        });
        if (result == null)
            throw new Error("QuantPilot's completion was aborted");
        const run = result.result;
        return {
            text: result.texts[0] ?? "", latencyMs: result.latencyMs,
            ...(run != null ? {work: {
                promptTokens: run.promptTokensEvaluated, promptMs: run.ttftMs, generatedTokens: run.tokens,
                generationMs: run.totalMs - run.ttftMs, stop: run.stopReason
            }} : {})
        };
    }

    async dispose(): Promise<void> {
        this.service.dispose();
        await this.engine.dispose();
        await this.runtime.dispose();
    }
}

/** QuantPilot alone on the tasks (the per-level FIM figure of the A/B). */
export async function quantPilotFim(model: string, tasks: readonly FimTask[], options: FimRunOptions): Promise<FimOutcome[]> {
    const side = await QuantPilotSide.start(model, options);
    try {
        const outcomes: FimOutcome[] = [];
        for (const [i, task] of tasks.entries()) {
            outcomes.push(scoreFim(await side.answer(task, i), task.middle));
            options.onProgress?.(i + 1, tasks.length);
        }
        return outcomes;
    } finally {
        await side.dispose();
    }
}

/**
 * Each task through QuantPilot's pipeline, then the same task through llama-server's /infill with
 * the same model file, threads and token budget. The sides take turns task by task and never run at
 * once, so load from other work on the machine hits both alike.
 */
export async function compareFim(model: string, tasks: readonly FimTask[], options: FimRunOptions): Promise<{quantpilot: FimOutcome[]; llamaServer: FimOutcome[]}> {
    const ours = await QuantPilotSide.start(model, options);
    const server = await startLlamaServer(model, [
        "-t", String(options.threads), "-tb", String(options.threads), "-c", String(options.contextSize), "-np", "1",
        "-b", "1024", "-ub", "1024", "--cache-reuse", "256", "--no-webui"
    ]);
    const quantpilot: FimOutcome[] = [];
    const llamaServer: FimOutcome[] = [];
    try {
        for (const [i, task] of tasks.entries()) {
            quantpilot.push(scoreFim(await ours.answer(task, i), task.middle));
            llamaServer.push(scoreFim(await infill(server.url, task, options.maxTokens), task.middle));
            await options.onOutcomes?.(quantpilot, llamaServer);
            options.onProgress?.(i + 1, tasks.length);
        }
    } finally {
        await server.stop();
        await ours.dispose();
    }
    return {quantpilot, llamaServer};
}
