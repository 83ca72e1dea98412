/**
 * Messages between the A/B run and the scoring child process (logitsWorker.ts), over Node's IPC
 * channel with structured-clone serialization (typed arrays pass as they are). Types only.
 */
import type {ReferenceWindow} from "../../stats/referenceWindow";
import type {WindowComparison} from "../../stats/windowComparison";

/** A libllama and the libggml beside it (which loads the compute backends of that folder). */
export interface LlamaLibrary {
    readonly llama: string;
    readonly ggml: string;
    /** Folders with other builds of the GPU backend, tried (as node-llama-cpp does) when the library's own does not load. */
    readonly fallbackBackends: readonly string[];
}

/** Parent → child, first: the libraries to try, best first. */
export interface BindMessage {
    readonly type: "bind";
    readonly libraries: readonly LlamaLibrary[];
    /** The run uses a GPU: a library whose GPU backend cannot load is refused. */
    readonly gpu: boolean;
}

/** Parent → child: load the model (one per process). */
export interface LoadMessage {
    readonly type: "load";
    readonly id: number;
    readonly modelPath: string;
    readonly threads: number;
    readonly contextSize: number;
    readonly gpuLayers: number;
}

/** Parent → child: evaluate the reference on a window and write its record to `outPath`. */
export interface ReferenceMessage {
    readonly type: "reference";
    readonly id: number;
    readonly windowIndex: number;
    readonly tokens: readonly number[];
    readonly first: number;
    readonly last: number;
    readonly outPath: string;
}

/** Parent → child: evaluate a candidate on a window and compare it with the record at `referencePath`. */
export interface CompareMessage {
    readonly type: "compare";
    readonly id: number;
    readonly tokens: readonly number[];
    readonly first: number;
    readonly last: number;
    readonly referencePath: string;
}

export type ParentMessage = BindMessage | LoadMessage | ReferenceMessage | CompareMessage;

/** Child → parent, answering `bind`: which library was bound, or why none could be. */
export type BindResult =
    | {readonly type: "ready"; readonly llamaVersion: string; readonly libraryPath: string}
    | {readonly type: "unavailable"; readonly reason: string};

export interface LoadedMessage {
    readonly type: "loaded";
    readonly id: number;
    readonly vocabularySize: number;
    readonly weightsBytes: number;
    /** Resident memory growth of the child from before loading to after a warm-up evaluation. */
    readonly rssDeltaBytes: number;
}

export interface ReferencedMessage {
    readonly type: "referenced";
    readonly id: number;
    readonly window: ReferenceWindow;
    readonly evaluationSeconds: number;
}

export interface ComparedMessage {
    readonly type: "compared";
    readonly id: number;
    readonly comparison: WindowComparison;
}

/** Child → parent: request `id` failed; the message can be shown to a person. */
export interface FailedMessage {
    readonly type: "failed";
    readonly id: number;
    readonly message: string;
}

/** Child → parent: a warning or error line llama.cpp logged (`ggml_log_level` 3 warn, 4 error). */
export interface LogMessage {
    readonly type: "log";
    readonly level: number;
    readonly line: string;
}

export type WorkerMessage = BindResult | LoadedMessage | ReferencedMessage | ComparedMessage | FailedMessage | LogMessage;
