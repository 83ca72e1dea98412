/**
 * QuantPilot on a server, against the references in the same run, replaying the committed typing
 * trace on the same model:
 *
 * - **llamaServer**: QuantPilot's own pipeline (CompletionService: cache, reuse while typing,
 *   prefetch, warm-ups) completing through llama-server's /infill (LlamaServerCompleter).
 * - **plainClient**: the plain /infill client of the completion bench (llama.vscode's way) on a
 *   second llama-server started the same way, so neither side evicts the other's prompt cache.
 * - **inProcess**: the same pipeline on the in-process engine (LocalCompleter).
 *
 * Then the RPC setup: two rpc-server processes on 127.0.0.1 and a llama-server --rpc splitting the
 * model across them, serving completions of the trace's first keystrokes and an assistant tool call.
 *
 *   npm run bench:servers -- [--threads 1] [--max-tokens 16] [--limit 80] [--rpc-completions 12] [--json]
 *
 * The last line with --json: {"llamaServer", "plainClient", "inProcess", "ratio", "rpc"}.
 */
import {cpus} from "node:os";
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {parseArgs} from "node:util";
import type {CompletionSettings} from "../src/completion/completionService";
import {LocalCompleter} from "../src/completion/localCompleter";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {LocalEngine} from "../src/engine/localEngine";
import {ServerConnection} from "../src/servers/serverConnection";
import {silentLogger} from "../src/util/logger";
import {quantizedTestModel} from "../test/helpers/testModels";
import {asksForSuggestion, TraceDocument, type TraceEvent, type TypingTrace} from "./completionTrace";
import {QuantPilotReplay, round, sleep, summarize, type Sample} from "./completionReplay";
import {LlamaVscodeClient} from "./llamaVscodeClient";
import {startLlamaServer, startRpcServer, type LlamaServer, type RpcServer} from "./llamaServerProcess";

const {values} = parseArgs({
    options: {
        threads: {type: "string", default: "1"},
        "max-tokens": {type: "string", default: "16"},
        "max-time-ms": {type: "string", default: "2000"},
        limit: {type: "string", default: "80"},
        "rpc-completions": {type: "string", default: "12"},
        trace: {type: "string", default: join(__dirname, "traces", "typing-trace.json")},
        json: {type: "boolean", default: false}
    }
});

const threads = Number(values.threads);
const maxTokens = Number(values["max-tokens"]);
const maxTimeMs = Number(values["max-time-ms"]);
const SERVER_BATCH = 1024;
const CONTEXT = 4096;
const SERVER_ARGS = ["-t", String(threads), "-tb", String(threads), "-c", String(CONTEXT), "-np", "1", "-b", String(SERVER_BATCH),
    "-ub", String(SERVER_BATCH), "--cache-reuse", "256", "--no-webui", "--no-repack", "--metrics"];
/** The completion bench's settings: QuantPilot's budgets set to what /infill takes with that batch. */
const SETTINGS: CompletionSettings = {
    maxTokens, maxTimeMs, debounceMs: 0, alternatives: 3, prefetch: true,
    window: {linesAbove: 256, linesBelow: 64},
    budget: {maxPrefixTokens: 3 * SERVER_BATCH / 4, maxSuffixTokens: SERVER_BATCH / 4 - 2, maxContextTokens: CONTEXT - SERVER_BATCH - 2 * maxTokens}
};
const MODEL_SOURCES = ["model", "model (prefetch taken over)"];
const TOOL_SCRIPT = ["<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/scheduler.ts\"}}\n</tool_call>", "Done."];

function note(line: string): void {
    process.stderr.write(line + "\n");
}

function connection(server: LlamaServer): ServerConnection {
    return new ServerConnection({name: "bench", kind: "llamaServer", url: server.url}, async () => undefined, () => ({completionMs: 120_000, chatMs: 120_000}));
}

interface Sides {
    readonly viaServer: QuantPilotReplay;
    readonly inProcess: QuantPilotReplay;
    readonly plain: {readonly client: LlamaVscodeClient; readonly document: TraceDocument; shown: string};
}

/** One group (an event and the accepts right after it) on one QuantPilot side, with its idle time. */
async function replayGroup(side: QuantPilotReplay, events: readonly TraceEvent[], group: readonly number[]): Promise<{samples: (Sample | undefined)[]; chunks: ReturnType<QuantPilotReplay["chunks"]>[]}> {
    const samples: (Sample | undefined)[] = [];
    const chunks: ReturnType<QuantPilotReplay["chunks"]>[] = [];
    for (const i of group) {
        const sample = await side.step(i, events[i]!);
        samples.push(sample);
        await sleep((events[i + 1]?.dt ?? 0) - (sample?.latencyMs ?? 0));
        chunks.push(side.chunks());
    }
    await side.service.stopIdleWork();
    return {samples, chunks};
}

async function plainStep(sides: Sides, index: number, event: TraceEvent, chunks: ReturnType<QuantPilotReplay["chunks"]>): Promise<Sample | "declined" | undefined> {
    const plain = sides.plain;
    plain.document.apply(event, plain.shown);
    if (!asksForSuggestion(event))
        return undefined;
    const {line, character} = plain.document.position();
    const startedAt = performance.now();
    const answer = await plain.client.suggest(plain.document, line, character, chunks);
    plain.shown = answer.text;
    if (answer.source === "declined")
        return "declined";
    return {event: index, latencyMs: performance.now() - startedAt, source: answer.source, promptTokensEvaluated: answer.promptTokens ?? 0,
        generatedTokens: answer.predictedTokens ?? 0, text: answer.text};
}

/** The three sides take turns group by group, so load from other work hits them alike. */
async function replay(sides: Sides, events: readonly TraceEvent[]): Promise<Record<"viaServer" | "inProcess" | "plain", Sample[]>> {
    const out = {viaServer: [] as Sample[], inProcess: [] as Sample[], plain: [] as Sample[]};
    for (let index = 0; index < events.length;) {
        const group = [index];
        while (events[group.at(-1)! + 1]?.op === "accept")
            group.push(group.at(-1)! + 1);
        const server = await replayGroup(sides.viaServer, events, group);
        const local = await replayGroup(sides.inProcess, events, group);
        for (const [k, i] of group.entries()) {
            const plain = await plainStep(sides, i, events[i]!, server.chunks[k]!);
            // Compared where all three asked for a suggestion (the plain client's 8-character rule aside).
            if (plain != null && plain !== "declined" && server.samples[k] != null && local.samples[k] != null) {
                out.viaServer.push(server.samples[k]!);
                out.inProcess.push(local.samples[k]!);
                out.plain.push(plain);
            }
        }
        index = group.at(-1)! + 1;
        if (index % 20 < group.length)
            note(`  ${index}/${events.length} events; last: via llama-server ${Math.round(out.viaServer.at(-1)?.latencyMs ?? 0)} ms, ` +
                `plain client ${Math.round(out.plain.at(-1)?.latencyMs ?? 0)} ms, in-process ${Math.round(out.inProcess.at(-1)?.latencyMs ?? 0)} ms`);
    }
    return out;
}

/** Two rpc-server workers and a llama-server --rpc: completions of the first keystrokes, then a scripted tool call. */
async function rpcRun(model: string, trace: TypingTrace): Promise<{workers: number; completionsServed: number; toolCallsServed: number}> {
    const workers: RpcServer[] = [];
    let split: LlamaServer | undefined;
    try {
        workers.push(await startRpcServer(threads), await startRpcServer(threads));
        split = await startLlamaServer(model, [...SERVER_ARGS, "--rpc", workers.map((w) => w.address).join(","), "-ngl", "99"]);
        const server = connection(split);
        const replay = new QuantPilotReplay(server.completions.backend, {...SETTINGS, prefetch: false}, trace);
        let completionsServed = 0;
        const wanted = Number(values["rpc-completions"]);
        for (const [i, event] of trace.events.entries()) {
            if (completionsServed >= wanted)
                break;
            const sample = await replay.step(i, event);
            if (sample?.source === "model")
                completionsServed++;
        }
        replay.service.dispose();
        let toolCallsServed = 0;
        const result = await server.chat(() => ({maxReplyTokens: 64, temperature: 0})).runTurn({
            systemPrompt: "You read files.", history: [{role: "user", text: "Open the scheduler."}], script: TOOL_SCRIPT,
            tools: [{name: "read_file", description: "Read a file", params: {type: "object", properties: {path: {type: "string"}}, required: ["path"]},
                invoke: async () => {
                    toolCallsServed++;
                    return {result: "export class Scheduler {}"};
                }}]
        });
        note(`RPC: ${workers.length} workers (${workers.map((w) => w.address).join(", ")}), ${completionsServed} completions, ${toolCallsServed} tool call(s), turn ${result.stopReason}`);
        return {workers: workers.length, completionsServed, toolCallsServed};
    } finally {
        await split?.stop();
        await Promise.all(workers.map((w) => w.stop()));
    }
}

async function main(): Promise<void> {
    const trace = JSON.parse(await readFile(values.trace!, "utf8")) as TypingTrace;
    const model = await quantizedTestModel("coder-0.5b", "Q4_K_M");
    const events = trace.events.slice(0, Number(values.limit));
    note(`replaying ${events.length} of ${trace.events.length} events on ${model}, ${threads} thread(s) per side`);
    const runtime = new LlamaRuntime(silentLogger);
    const engine = new LocalEngine(runtime, silentLogger);
    await engine.load(model, {gpu: "cpu", threads, contextSize: CONTEXT});
    const ours = await startLlamaServer(model, SERVER_ARGS);
    const theirs = await startLlamaServer(model, SERVER_ARGS);
    let samples: Awaited<ReturnType<typeof replay>>;
    try {
        const sides: Sides = {
            viaServer: new QuantPilotReplay(connection(ours).completions.backend, SETTINGS, trace),
            inProcess: new QuantPilotReplay(new LocalCompleter(engine), SETTINGS, trace),
            plain: {client: new LlamaVscodeClient(theirs.url, {nPredict: maxTokens, tMaxPredictMs: maxTimeMs}), document: new TraceDocument(trace.file.text), shown: ""}
        };
        samples = await replay(sides, events);
        sides.viaServer.service.dispose();
        sides.inProcess.service.dispose();
    } finally {
        await ours.stop();
        await theirs.stop();
        await engine.dispose();
        await runtime.dispose();
    }
    const rpc = await rpcRun(model, trace);
    report(samples, rpc);
}

function report(samples: Record<"viaServer" | "inProcess" | "plain", Sample[]>, rpc: {workers: number; completionsServed: number; toolCallsServed: number}): void {
    const viaServer = summarize(samples.viaServer, MODEL_SOURCES);
    const inProcess = summarize(samples.inProcess, MODEL_SOURCES);
    const plain = summarize(samples.plain, ["server"]);
    const rows = [["", "p50 ms", "p95 ms", "mean ms", "prompt tok/model call", "answered without model"],
        ["QuantPilot via llama-server", viaServer.p50Ms, viaServer.p95Ms, viaServer.meanMs, viaServer.promptTokensPerModelCall, viaServer.cacheHitRate],
        ["plain /infill client", plain.p50Ms, plain.p95Ms, plain.meanMs, plain.promptTokensPerModelCall, plain.cacheHitRate],
        ["QuantPilot in-process", inProcess.p50Ms, inProcess.p95Ms, inProcess.meanMs, inProcess.promptTokensPerModelCall, inProcess.cacheHitRate]];
    for (const row of rows)
        console.log(row.map((c, i) => i === 0 ? String(c).padEnd(28) : String(c).padStart(12)).join(" "));
    const ratio = {overheadP50: round(viaServer.p50Ms / plain.p50Ms, 3), inProcessVsServerP50: round(inProcess.p50Ms / viaServer.p50Ms, 3)};
    console.log(`overhead (QuantPilot via llama-server / plain client) at p50: ${ratio.overheadP50} (goal <= 1.05); in-process / llama-server at p50: ${ratio.inProcessVsServerP50}`);
    console.log(`${viaServer.requests} keystrokes compared; sources via server ${JSON.stringify(viaServer.bySource)}, in-process ${JSON.stringify(inProcess.bySource)}, ` +
        `plain ${JSON.stringify(plain.bySource)}; ${threads} thread(s) per side, max tokens ${maxTokens}, ${cpus()[0]?.model ?? "?"}`);
    if (values.json)
        console.log(JSON.stringify({
            llamaServer: {p50Ms: viaServer.p50Ms, p95Ms: viaServer.p95Ms},
            plainClient: {p50Ms: plain.p50Ms, p95Ms: plain.p95Ms},
            inProcess: {p50Ms: inProcess.p50Ms, p95Ms: inProcess.p95Ms},
            ratio,
            rpc
        }));
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
