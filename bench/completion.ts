/**
 * Keystroke-to-suggestion latency: QuantPilot's in-process completions against llama-server driven
 * the way llama.vscode drives it, replaying the committed typing trace in the same run.
 *
 *   npm run bench:completion -- [--threads 1] [--max-tokens 16] [--max-time-ms 2000] [--limit N]
 *       [--llama-server PATH] [--layouts] [--json]
 *
 * Model: the coder-0.5b preset (Qwen2.5-Coder-0.5B shape, random weights) quantized to Q4_K_M, on
 * the CPU, the same thread count on both sides. The replay is sequential: each keystroke waits for
 * its suggestion; then the recorded pause to the next key, minus that latency, is idle time (where
 * QuantPilot's prefetch and warm-ups run; llama.vscode's background requests are not modelled, which
 * only flatters llama-server). The two sides take turns event by event, so load from other work on
 * the machine hits both alike; QuantPilot's idle work is stopped before llama-server's turn.
 * Debounce is off on both sides (llama.vscode's default), so latency is the work itself.
 *
 * --llama-server: a llama-server binary to use instead of scripts/build-llama-tools.sh's (for example
 * one built without AMX, which can keep weight repacking on CPUs where the AMX kernel crashes).
 *
 * --model: "random" (the default above), "real" (the real Qwen2.5-Coder-0.5B-Instruct Q4_K_M that
 * scripts/fetch-real-models.sh fetches, bench:real's model: the same shape, but its suggestions stop
 * where real code would, so the generated tokens and cache hits are the product's own) or a GGUF path.
 *
 * --layouts instead replays the start of the trace on QuantPilot alone with each prompt layout
 * (see FimLayout), prefetch off, to measure what a keystroke costs in each.
 */
import {cpus} from "node:os";
import {readFile, writeFile} from "node:fs/promises";
import {basename, join} from "node:path";
import {parseArgs} from "node:util";
import type {CompletionSettings} from "../src/completion/completionService";
import {FIM_LAYOUTS} from "../src/completion/fimPrompt";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {LocalEngine} from "../src/engine/localEngine";
import {LocalCompleter} from "../src/completion/localCompleter";
import {silentLogger} from "../src/util/logger";
import {CACHE_DIR} from "../test/helpers/paths";
import {quantizedTestModel} from "../test/helpers/testModels";
import {fetchRealModels} from "../test/real/realModels";
import {asksForSuggestion, TraceDocument, type TypingTrace} from "./completionTrace";
import {LlamaVscodeClient} from "./llamaVscodeClient";
import {startLlamaServer} from "./llamaServerProcess";
import {QuantPilotReplay, round, sleep, summarize, type Sample} from "./completionReplay";

const {values} = parseArgs({
    options: {
        threads: {type: "string", default: "1"},
        "max-tokens": {type: "string", default: "16"},
        "max-time-ms": {type: "string", default: "2000"},
        limit: {type: "string"},
        trace: {type: "string", default: join(__dirname, "traces", "typing-trace.json")},
        layouts: {type: "boolean", default: false},
        "llama-server": {type: "string"},
        model: {type: "string", default: "random"},
        json: {type: "boolean", default: false}
    }
});

const threads = Number(values.threads);
const maxTokens = Number(values["max-tokens"]);
const maxTimeMs = Number(values["max-time-ms"]);
/** llama.vscode's recommended CPU setup for Qwen2.5-Coder-0.5B: `-ub 1024 -b 1024 --cache-reuse 256`. */
const SERVER_BATCH = 1024;
const CONTEXT = 4096;
const SAMPLES_FILE = join(CACHE_DIR, "bench-completion-samples.json");
/** Sources on QuantPilot's side that ran the model (a prefetch taken over did, from before the keystroke). */
const OUR_MODEL_SOURCES = ["model", "model (prefetch taken over)"];

/** QuantPilot's token budgets set to what llama-server's /infill takes with that batch size. */
const SETTINGS: CompletionSettings = {
    maxTokens, maxTimeMs, debounceMs: 0, alternatives: 3, prefetch: true,
    window: {linesAbove: 256, linesBelow: 64},
    budget: {maxPrefixTokens: 3 * SERVER_BATCH / 4, maxSuffixTokens: SERVER_BATCH / 4 - 2, maxContextTokens: CONTEXT - SERVER_BATCH - 2 * maxTokens}
};

function note(line: string): void {
    process.stderr.write(line + "\n");
}

async function loadEngine(model: string): Promise<{engine: LocalEngine; runtime: LlamaRuntime}> {
    const runtime = new LlamaRuntime(silentLogger);
    const engine = new LocalEngine(runtime, silentLogger);
    await engine.load(model, {gpu: "cpu", threads, contextSize: CONTEXT});
    return {engine, runtime};
}

async function compare(trace: TypingTrace, model: string): Promise<void> {
    const {engine, runtime} = await loadEngine(model);
    const custom = values["llama-server"];
    const server = await startLlamaServer(model, [
        "-t", String(threads), "-tb", String(threads), "-c", String(CONTEXT), "-np", "1",
        "-b", String(SERVER_BATCH), "-ub", String(SERVER_BATCH), "--cache-reuse", "256", "--no-webui",
        // The script's native build crashes in ggml's AMX kernel on Sapphire Rapids with Q4_K tensors;
        // without weight repacking it runs. A build without AMX (--llama-server) keeps repacking.
        ...(custom == null ? ["--no-repack"] : [])
    ], custom);
    const ours = new QuantPilotReplay(new LocalCompleter(engine), SETTINGS, trace);
    const client = new LlamaVscodeClient(server.url, {nPredict: maxTokens, tMaxPredictMs: maxTimeMs});
    const theirs = new TraceDocument(trace.file.text);
    let theirShown = "";
    const ourSamples: Sample[] = [];
    const theirSamples: Sample[] = [];
    let declined = 0;
    const build = engine.model?.runtime.build;
    const events = trace.events.slice(0, values.limit != null ? Number(values.limit) : undefined);
    const theirTurn = async (index: number, ourSample: Sample | undefined, chunks: ReturnType<typeof ours.chunks>): Promise<void> => {
        const event = events[index]!;
        theirs.apply(event, theirShown);
        if (!asksForSuggestion(event))
            return;
        const {line, character} = theirs.position();
        const startedAt = performance.now();
        const answer = await client.suggest(theirs, line, character, chunks);
        theirShown = answer.text;
        if (answer.source === "declined")
            declined++;
        else if (ourSample != null) {
            ourSamples.push(ourSample);
            theirSamples.push({
                event: index, latencyMs: performance.now() - startedAt, source: answer.source,
                promptTokensEvaluated: answer.promptTokens ?? 0, generatedTokens: answer.predictedTokens ?? 0, text: answer.text
            });
        }
    };
    try {
        for (let index = 0; index < events.length;) {
            // QuantPilot replays an event and the accepts right after it before llama-server replays
            // the same events: an accept then finds the prefetch still running, as in the editor,
            // and the two sides still never run at once.
            const group = [index];
            while (events[group.at(-1)! + 1]?.op === "accept")
                group.push(group.at(-1)! + 1);
            const ourGroup: (Sample | undefined)[] = [];
            // The context chunks QuantPilot had at each event, handed to llama-server for the same event.
            const chunks: ReturnType<typeof ours.chunks>[] = [];
            for (const i of group) {
                const sample = await ours.step(i, events[i]!);
                ourGroup.push(sample);
                await sleep((events[i + 1]?.dt ?? 0) - (sample?.latencyMs ?? 0));
                chunks.push(ours.chunks());
            }
            await ours.service.stopIdleWork();
            for (const [k, i] of group.entries()) {
                await theirTurn(i, ourGroup[k], chunks[k]!);
                if (i % 20 === 19)
                    note(`  ${i + 1}/${events.length} events; last: QuantPilot ${Math.round(ourGroup[k]?.latencyMs ?? 0)} ms, llama-server ${Math.round(theirSamples.at(-1)?.latencyMs ?? 0)} ms`);
            }
            index = group.at(-1)! + 1;
        }
    } finally {
        ours.service.dispose();
        await server.stop();
        await engine.dispose();
        await runtime.dispose();
    }
    await writeFile(SAMPLES_FILE, JSON.stringify({quantpilot: ourSamples, llamaServer: theirSamples}, null, 1));
    note(`per-keystroke samples: ${SAMPLES_FILE}`);
    report(summarize(ourSamples, OUR_MODEL_SOURCES), summarize(theirSamples, ["server"]), declined, build, model);
}

function report(ours: ReturnType<typeof summarize>, theirs: ReturnType<typeof summarize>, declined: number, build: string | undefined, model: string): void {
    const ratio = {p50: round(ours.p50Ms / theirs.p50Ms, 3), p95: round(ours.p95Ms / theirs.p95Ms, 3)};
    const rows = [["", "p50 ms", "p95 ms", "mean ms", "prompt tok/request", "prompt tok/model call", "gen tok/model call", "answered without model"],
        ["QuantPilot", ours.p50Ms, ours.p95Ms, ours.meanMs, ours.promptTokensPerRequest, ours.promptTokensPerModelCall, ours.generatedTokensPerModelCall, ours.cacheHitRate],
        ["llama-server", theirs.p50Ms, theirs.p95Ms, theirs.meanMs, theirs.promptTokensPerRequest, theirs.promptTokensPerModelCall, theirs.generatedTokensPerModelCall, theirs.cacheHitRate]];
    for (const row of rows)
        console.log(row.map((c) => String(c).padStart(12)).join(" "));
    console.log(`ratio QuantPilot / llama-server: p50 ${ratio.p50}, p95 ${ratio.p95} (targets <= 0.8 and <= 1.0)`);
    console.log(`${ours.requests} keystrokes compared (${declined} skipped: llama.vscode sends no request when the rest of the line is long); ` +
        `QuantPilot sources ${JSON.stringify(ours.bySource)}, llama.vscode sources ${JSON.stringify(theirs.bySource)}`);
    console.log(`threads ${threads} each, max tokens ${maxTokens}, time budget ${maxTimeMs} ms, QuantPilot engine: ${build ?? "?"} build, ` +
        `llama-server: ${values["llama-server"] ?? "scripts/build-llama-tools.sh, --no-repack"}, ${cpus()[0]?.model ?? "?"}`);
    if (values.json)
        console.log(JSON.stringify({
            quantpilot: ours,
            llamaServer: theirs,
            ratio,
            setup: {model: values.model === "random" ? "coder-0.5b preset (random weights) Q4_K_M" : basename(model), threads, maxTokens, maxTimeMs, keystrokes: ours.requests, declined, build, llamaServer: values["llama-server"] ?? "default, --no-repack", cpu: cpus()[0]?.model}
        }));
}

/**
 * Each layout over the start of the trace, QuantPilot only, prefetch off. One engine per layout;
 * they take turns event by event, like the main comparison.
 */
async function compareLayouts(trace: TypingTrace, model: string): Promise<void> {
    const loaded = await Promise.all(FIM_LAYOUTS.map(() => loadEngine(model)));
    const replays = FIM_LAYOUTS.map((layout, i) => new QuantPilotReplay(new LocalCompleter(loaded[i]!.engine), {...SETTINGS, prefetch: false, layout}, trace));
    const samples = FIM_LAYOUTS.map((): Sample[] => []);
    const events = trace.events.slice(0, Number(values.limit ?? 80));
    try {
        for (const [index, event] of events.entries()) {
            for (const [i, replay] of replays.entries()) {
                const sample = await replay.step(index, event);
                // The first keystroke evaluates the whole prompt in every layout.
                if (sample != null && index > 2)
                    samples[i]!.push(sample);
                await sleep((events[index + 1]?.dt ?? 0) - (sample?.latencyMs ?? 0));
                await replay.service.stopIdleWork();
            }
            if (index % 20 === 19)
                note(`  ${index + 1}/${events.length} events`);
        }
    } finally {
        for (const {engine, runtime} of loaded) {
            await engine.dispose();
            await runtime.dispose();
        }
    }
    const results = Object.fromEntries(FIM_LAYOUTS.map((layout, i) => [layout, summarize(samples[i]!, OUR_MODEL_SOURCES)]));
    for (const [layout, r] of Object.entries(results))
        console.log(`${layout.padEnd(28)} p50 ${r.p50Ms} ms  p95 ${r.p95Ms} ms  mean ${r.meanMs} ms  prompt tokens/model call ${r.promptTokensPerModelCall}`);
    if (values.json)
        console.log(JSON.stringify({layouts: results, setup: {threads, maxTokens, events: events.length}}));
}

/** The model file --model names. */
async function benchModel(name: string): Promise<string> {
    if (name === "random")
        return quantizedTestModel("coder-0.5b", "Q4_K_M");
    if (name !== "real")
        return name;
    const real = await fetchRealModels();
    if (real == null)
        throw new Error("no real models (scripts/fetch-real-models.sh could not fetch them)");
    return real.completion.path;
}

async function main(): Promise<void> {
    const trace = JSON.parse(await readFile(values.trace!, "utf8")) as TypingTrace;
    const model = await benchModel(values.model);
    note(`replaying ${trace.events.length} events of ${values.trace} on ${model}, ${threads} thread(s) each`);
    if (values.layouts)
        await compareLayouts(trace, model);
    else
        await compare(trace, model);
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
