/**
 * Entry point of the quantization child process (built to dist/quantizeWorker.js; run with tsx
 * in tests). It binds libllama, reports whether it can, then runs `llama_model_quantize` for
 * each job its parent sends, forwarding llama.cpp's log line by line.
 *
 * A quantization cannot be interrupted from inside llama.cpp, so the parent cancels by killing
 * this process. If the parent goes away first (crash, window closed), this process removes the
 * file it was writing and kills itself rather than quantizing on for nobody.
 */
import {rmSync} from "node:fs";
import {bindLlamaQuantize, type LlamaQuantizeBinding} from "./llamaQuantizeBinding";
import {findLlamaLibraries} from "./llamaLibrary";
import type {ParentMessage, QuantizeJobMessage, WorkerMessage} from "./quantizeProtocol";

const GGML_LOG_LEVEL_CONT = 5;

let writing: string | undefined;
let pendingText = "";
let pendingLevel = 2;

function send(message: WorkerMessage): void {
    process.send?.(message);
}

/** llama.cpp logs a line in pieces; the parent gets whole lines. */
function onLog(level: number, text: string): void {
    if (level !== GGML_LOG_LEVEL_CONT && pendingText === "")
        pendingLevel = level;
    pendingText += text;
    let newline;
    while ((newline = pendingText.indexOf("\n")) >= 0) {
        send({type: "log", level: pendingLevel, line: pendingText.slice(0, newline)});
        pendingText = pendingText.slice(newline + 1);
    }
}

function flushLog(): void {
    if (pendingText !== "")
        send({type: "log", level: pendingLevel, line: pendingText});
    pendingText = "";
}

function bind(): LlamaQuantizeBinding | undefined {
    const candidates = findLlamaLibraries();
    if (candidates.length === 0) {
        send({type: "unavailable", reason: `no prebuilt libllama for ${process.platform}-${process.arch} was found in node-llama-cpp's binary packages`});
        return undefined;
    }
    const reasons: string[] = [];
    for (const path of candidates) {
        try {
            const binding = bindLlamaQuantize(path, onLog);
            send({type: "ready", llamaVersion: binding.version, libraryPath: path});
            return binding;
        } catch (err) {
            reasons.push((err as Error).message);
            // A version or layout mismatch is the same for every variant of one release.
            if ((err as Error).name === "BindingRefusedError" && !(err as Error).message.startsWith("could not load"))
                break;
        }
    }
    send({type: "unavailable", reason: reasons.join("; ")});
    return undefined;
}

async function run(binding: LlamaQuantizeBinding, job: QuantizeJobMessage): Promise<void> {
    const params = binding.defaultParams();
    params.ftype = job.ftype;
    params.nthread = job.threads;
    params.allow_requantize = job.allowRequantize;
    params.dry_run = job.dryRun;
    writing = job.dryRun ? undefined : job.outputPath;
    let status: number;
    try {
        status = await binding.quantize(job.inputPath, job.outputPath, params);
    } catch (err) {
        onLog(4, `failed to quantize: ${(err as Error).message}\n`);
        status = 1;
    }
    writing = undefined;
    flushLog();
    send({type: "done", id: job.id, status});
}

function main(): void {
    if (process.send == null) {
        process.stderr.write("quantizeWorker: this is QuantPilot's quantization child process; it needs an IPC channel to its parent\n");
        process.exit(2);
    }
    process.on("disconnect", () => {
        if (writing != null)
            rmSync(writing, {force: true});
        process.kill(process.pid, "SIGKILL");
    });
    // A terminal's Ctrl+C or hang-up, or a kill of the whole process group, reaches this process
    // too; the parent decides (it aborts, removes the partial file and kills this one), and if
    // the parent is gone the disconnect above cleans up.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
        process.on(signal, () => undefined);
    const binding = bind();
    if (binding == null)
        return; // the parent read "unavailable" and kills this process
    let queue = Promise.resolve();
    process.on("message", (message: ParentMessage) => {
        if (message?.type === "run")
            queue = queue.then(() => run(binding, message));
    });
}

main();
