/**
 * Messages between the extension host (or CLI) and the quantization child process
 * (src/quant/quantizeWorker.ts), over Node's IPC channel. Types only.
 */

/** Parent → child: quantize (or, with `dryRun`, only plan) one model. One job at a time. */
export interface QuantizeJobMessage {
    readonly type: "run";
    readonly id: number;
    readonly inputPath: string;
    /** The temporary file llama.cpp writes; ignored for a dry run. */
    readonly outputPath: string;
    /** `enum llama_ftype`. */
    readonly ftype: number;
    /** 0 lets llama.cpp use every hardware thread. */
    readonly threads: number;
    readonly allowRequantize: boolean;
    readonly dryRun: boolean;
}

export type ParentMessage = QuantizeJobMessage;

/** Child → parent, once at start: libllama was found and matches what this code declares. */
export interface WorkerReadyMessage {
    readonly type: "ready";
    readonly llamaVersion: string;
    readonly libraryPath: string;
}

/** Child → parent, once at start instead of `ready`: quantization cannot run with this install. */
export interface WorkerUnavailableMessage {
    readonly type: "unavailable";
    readonly reason: string;
}

/** Child → parent: one complete line llama.cpp logged (`ggml_log_level` 1 debug … 4 error). */
export interface WorkerLogMessage {
    readonly type: "log";
    readonly level: number;
    readonly line: string;
}

/** Child → parent: `llama_model_quantize` returned (0 = success) for job `id`. */
export interface WorkerDoneMessage {
    readonly type: "done";
    readonly id: number;
    readonly status: number;
}

export type WorkerMessage = WorkerReadyMessage | WorkerUnavailableMessage | WorkerLogMessage | WorkerDoneMessage;
