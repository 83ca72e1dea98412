/**
 * Entry point of the guard's probe child process (built to dist/probeWorker.js; run with tsx in
 * tests). It loads one model file the way the host will (weights, a context, one decode step,
 * tokenizing, the chat wrapper and its template) and reports each stage before it starts, so
 * that if llama.cpp aborts or hangs, the parent knows where. It exits when done.
 */
import type {Llama, LlamaModel, Token} from "node-llama-cpp";
import {LlamaRuntime} from "../llamaRuntime";
import {type EngineBuildSetting, type GpuSetting} from "../engineSettings";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";
import type {Logger} from "../../util/logger";
import type {ProbeMessage, ProbeRequest, ProbeStage} from "./probeProtocol";

/** Text with what tokenizers trip on: newlines, tabs, accents, CJK, emoji, control-token look-alikes. */
const SAMPLE_TEXT = "def add(a, b):\n\treturn a + b  # café 中文 🙂\u200d🚀 <|im_start|>user\r\n\u0000end";
const RSS_REPORT_MS = 250;

let stage: ProbeStage = "start";

function send(message: ProbeMessage): void {
    process.send?.(message);
}

/** The last message, then exit once it has been handed to the parent. */
function finish(message: ProbeMessage): void {
    if (process.send == null)
        process.exit(0);
    process.send(message, () => process.exit(0));
}

function enter(next: ProbeStage): void {
    stage = next;
    send({type: "stage", stage});
}

/** llama.cpp's warnings and errors go to the parent: its reason for a refusal is among them. */
const forwardingLogger: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => send({type: "log", level: "warn", line: message.replace(/^llama\.cpp: /, "")}),
    error: (message) => send({type: "log", level: "error", line: (message instanceof Error ? message.message : message).replace(/^llama\.cpp: /, "")})
};

async function probe(llama: Promise<Llama>, request: ProbeRequest): Promise<void> {
    const backend = await llama;
    enter("load");
    const model = await backend.loadModel({modelPath: request.path, gpuLayers: backend.gpu === false ? 0 : "auto"});
    enter("context");
    const context = await model.createContext({contextSize: 256, threads: request.threads, sequences: 1});
    enter("decode");
    await context.getSequence().evaluateWithoutGeneratingNewTokens([firstToken(model)]);
    enter("tokenize");
    model.detokenize(model.tokenize(SAMPLE_TEXT, false));
    model.detokenize(model.tokenize(SAMPLE_TEXT, true), true);
    if (!request.renderTemplate) {
        finish({type: "done", chatWrapper: null});
        return;
    }
    enter("template");
    const templateProblem = await templateRenderProblem(model);
    finish(templateProblem != null
        ? {type: "done", chatWrapper: null, templateProblem}
        : {type: "done", chatWrapper: await renderTemplate(model)});
}

/** Lets callbacks already queued by native code (llama.cpp's log) run before the failure is reported. */
async function logLinesDelivered(): Promise<void> {
    for (let i = 0; i < 3; i++)
        await new Promise<void>((resolve) => setImmediate(resolve));
}

function firstToken(model: LlamaModel): Token {
    return model.tokens.bos ?? model.tokenize("\n", false)[0] ?? (0 as Token);
}

/**
 * Why the model's own template cannot render, or undefined when it can (or there is none).
 * node-llama-cpp falls back to another wrapper when the template throws, but only after trying
 * it against every specialised wrapper; a template that throws (endless recursion, say) can take
 * seconds to minutes to do so, depending on the machine. Trying it once here makes the verdict the
 * same on every machine, and the host then never tries it on its own thread.
 */
async function templateRenderProblem(model: LlamaModel): Promise<string | undefined> {
    const template = model.fileInfo.metadata.tokenizer?.chat_template;
    if (template == null || template.trim() === "")
        return undefined;
    const {JinjaTemplateChatWrapper} = await loadNodeLlamaCpp();
    try {
        new JinjaTemplateChatWrapper({template, tokenizer: model.tokenizer});
        return undefined;
    } catch (err) {
        const message = err instanceof Error ? err.message.split("\n")[0]!.slice(0, 200) : String(err);
        return `rendering its chat template failed: ${message}`;
    }
}

/** The chat wrapper as the host resolves it, rendering a chat with a tool offered. */
async function renderTemplate(model: LlamaModel): Promise<string> {
    const {resolveChatWrapper} = await loadNodeLlamaCpp();
    const wrapper = resolveChatWrapper(model);
    wrapper.generateContextState({
        chatHistory: [
            {type: "system", text: "You are a helpful assistant."},
            {type: "user", text: "Read README.md"},
            {type: "model", response: []}
        ],
        availableFunctions: {read_file: {description: "Read a file", params: {type: "object", properties: {path: {type: "string"}}}}}
    });
    return wrapper.wrapperName;
}

function start(): void {
    const [gpu, engineBuild] = process.argv.slice(2) as [GpuSetting, EngineBuildSetting];
    const runtime = new LlamaRuntime(forwardingLogger, {engineBuild});
    const llama = runtime.get(gpu);
    llama.catch(() => undefined);
    setInterval(() => send({type: "rss", bytes: process.memoryUsage.rss()}), RSS_REPORT_MS).unref();
    process.once("message", (request: ProbeRequest) => {
        probe(llama, request).catch(async (err: unknown) => {
            // llama.cpp's log lines reach JS through a queue; the reason for a refusal is among them.
            await logLinesDelivered();
            finish({type: "failed", stage, error: err instanceof Error ? err.message : String(err)});
        });
    });
    llama.then(() => send({type: "ready"}), (err: unknown) => finish({type: "failed", stage: "start", error: err instanceof Error ? err.message : String(err)}));
}

// The parent going away (crash, window closed) ends the probe too.
process.on("disconnect", () => process.exit(0));
start();
