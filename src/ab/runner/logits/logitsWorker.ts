/**
 * Entry point of the A/B scoring child process (built to dist/logitsWorker.js; run with tsx in
 * tests). It binds libllama through koffi, loads one model, and for each window its parent sends
 * evaluates it in one batch and does the per-token arithmetic on the raw logits (logSoftmax.ts),
 * spread over as many threads as the model evaluates with:
 * for the reference it writes the window's record to disk, for a candidate it compares with that
 * record. Only small per-position arrays go back over IPC.
 *
 * The parent cancels by killing this process; if the parent goes away first, it kills itself.
 */
import {readFileSync, writeFileSync} from "node:fs";
import {encodeReferenceWindow} from "../referenceWindowCodec";
import {bindLlamaLogits, type LlamaLogitsBinding} from "./llamaLogitsBinding";
import {LogitsMath} from "./logitsMath";
import {LogitsModel} from "./logitsModel";
import type {BindMessage, CompareMessage, LoadMessage, ParentMessage, ReferenceMessage, WorkerMessage} from "./logitsProtocol";

const GGML_LOG_LEVEL_WARN = 3;
const GGML_LOG_LEVEL_CONT = 5;

let binding: LlamaLogitsBinding | undefined;
let model: LogitsModel | undefined;
let math: LogitsMath | undefined;
let pendingLine = "";
let pendingLevel = 0;

function send(message: WorkerMessage): void {
    process.send?.(message);
}

/** Warnings and errors go to the parent line by line (they explain a failed load); the rest is dropped. */
function onLog(level: number, text: string): void {
    if (level !== GGML_LOG_LEVEL_CONT && pendingLine === "")
        pendingLevel = level;
    pendingLine += text;
    let newline;
    while ((newline = pendingLine.indexOf("\n")) >= 0) {
        if (pendingLevel >= GGML_LOG_LEVEL_WARN && pendingLevel !== GGML_LOG_LEVEL_CONT)
            send({type: "log", level: pendingLevel, line: pendingLine.slice(0, newline)});
        pendingLine = pendingLine.slice(newline + 1);
    }
}

function bind(message: BindMessage): void {
    const reasons: string[] = [];
    for (const library of message.libraries) {
        try {
            const bound = bindLlamaLogits(library.llama, library.ggml, onLog);
            for (const dir of message.gpu ? library.fallbackBackends : []) {
                if (bound.gpuDevices() === 0)
                    bound.loadBackends(dir);
            }
            if (message.gpu && bound.gpuDevices() === 0) {
                reasons.push(`${library.llama} found no GPU (its GPU backend did not load)`);
                continue;
            }
            binding = bound;
            send({type: "ready", llamaVersion: bound.version, libraryPath: library.llama});
            return;
        } catch (err) {
            reasons.push((err as Error).message);
        }
    }
    send({type: "unavailable", reason: reasons.length > 0 ? reasons.join("; ") : "no libllama was found in node-llama-cpp's binary packages"});
}

function load(message: LoadMessage): void {
    const rssBefore = process.memoryUsage.rss();
    model = LogitsModel.open(binding!, message.modelPath, message);
    math = new LogitsMath(message.threads);
    // A warm-up step touches every weight page, so RSS counts the mmapped weights.
    model.evaluate([0, 0], 1, 1);
    send({type: "loaded", id: message.id, vocabularySize: model.vocabularySize, weightsBytes: model.weightsBytes, rssDeltaBytes: process.memoryUsage.rss() - rssBefore});
}

async function reference(message: ReferenceMessage): Promise<void> {
    const started = performance.now();
    const logits = model!.evaluate(message.tokens, message.first, message.last);
    const actual = message.tokens.slice(message.first + 1, message.last + 2);
    const {window, rows} = await math!.reference(logits, model!.vocabularySize, message.windowIndex, actual);
    const evaluationSeconds = (performance.now() - started) / 1000;
    writeFileSync(message.outPath, encodeReferenceWindow({window, evaluationSeconds}, rows));
    send({type: "referenced", id: message.id, window, evaluationSeconds});
}

async function compare(message: CompareMessage): Promise<void> {
    const file = readFileSync(message.referencePath);
    const logits = model!.evaluate(message.tokens, message.first, message.last);
    send({type: "compared", id: message.id, comparison: await math!.compare(logits, model!.vocabularySize, file, 0)});
}

async function handle(message: ParentMessage): Promise<void> {
    if (message.type === "bind")
        return bind(message);
    try {
        switch (message.type) {
            case "load": return load(message);
            case "reference": return await reference(message);
            case "compare": return await compare(message);
            default: message satisfies never;
        }
    } catch (err) {
        send({type: "failed", id: message.id, message: (err as Error).message});
    }
}

function main(): void {
    if (process.send == null) {
        process.stderr.write("logitsWorker: this is QuantPilot's A/B scoring child process; it needs an IPC channel to its parent\n");
        process.exit(2);
    }
    process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
    // One request at a time, in order: each waits for the one before.
    let queue = Promise.resolve();
    process.on("message", (message: ParentMessage) => queue = queue.then(() => handle(message)));
}

main();
