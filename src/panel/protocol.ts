/**
 * The one message protocol between the QuantPilot panel's host (src/panel/) and its webview
 * (webview/panel/). Plain, serialisable data only, defined here: no imports, no classes, no
 * functions, and never vscode. The host turns its own objects into these types in one place
 * (panelViews.ts); the webview imports nothing else from src/.
 *
 * The webview posts `ready` when its script runs; the host answers with `state` (everything) and
 * then pushes changes. Both sides switch exhaustively over `type`, so adding a message here fails
 * to compile until both handle it. The host validates every webview message (webviewMessages.ts).
 */

/**
 * The panel's tabs, in order. A new tab (the A/B evaluation's "ab") adds its id here, its view
 * under webview/panel/tabs/, one entry in webview/panel/tabs/tabList.ts, and its own messages below.
 */
export type PanelTab = "machine" | "model" | "quantization" | "ab";

/** What the webview keeps across hiding and reloads (vscode.setState), and the serializer gets back. */
export interface PersistedPanelState {
    readonly tab: PanelTab;
}

/** One sensor's latest answer. A figure the machine does not expose is null, never 0. */
export type SensorReading<T> =
    /** `stale`: the newest read is still running (a slow sensor), so this value is from an earlier one. */
    | {readonly status: "ok"; readonly value: T; readonly at: number; readonly stale: boolean}
    /** The first read has not come back yet. */
    | {readonly status: "waiting"}
    /** This machine has no such sensor (or does not let us read it); `note` says which. */
    | {readonly status: "unavailable"; readonly note: string}
    /** The sensor failed and turned itself off for this session; `note` says why. */
    | {readonly status: "disabled"; readonly note: string};

export interface CpuView {
    /** 0–100, all cores together, since the previous sample. */
    readonly totalPercent: number;
    /** 0–100 per logical core. */
    readonly perCorePercent: readonly number[];
    readonly model: string;
}

export interface MemoryView {
    readonly totalBytes: number;
    readonly usedBytes: number;
    /** What a new program (or model) can get without swapping. */
    readonly availableBytes: number;
    readonly swapTotalBytes: number;
    readonly swapUsedBytes: number;
}

export interface GpuView {
    readonly name: string;
    readonly vendor: string;
    readonly loadPercent: number | null;
    readonly vramTotalBytes: number | null;
    readonly vramUsedBytes: number | null;
    readonly temperatureC: number | null;
    readonly powerWatts: number | null;
}

export interface TemperatureView {
    readonly cpuC: number;
    /** The hottest core or sensor, where reported. */
    readonly cpuMaxC: number | null;
}

export interface BatteryView {
    readonly percent: number;
    readonly charging: boolean;
    readonly acConnected: boolean;
    readonly dischargeWatts: number | null;
    readonly minutesRemaining: number | null;
}

export interface PowerView {
    /** CPU package power (RAPL), all packages together. */
    readonly packageWatts: number;
}

/** The extension host process itself. */
export interface ProcessView {
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    /** Percent of one core (can exceed 100 with several threads busy). */
    readonly cpuPercent: number;
}

/** One sample of the machine. */
export interface HardwareView {
    /** Epoch milliseconds. */
    readonly takenAt: number;
    readonly cpu: SensorReading<CpuView>;
    readonly memory: SensorReading<MemoryView>;
    readonly gpus: SensorReading<readonly GpuView[]>;
    readonly temperature: SensorReading<TemperatureView>;
    readonly battery: SensorReading<BatteryView>;
    readonly power: SensorReading<PowerView>;
    readonly process: SensorReading<ProcessView>;
}

/** Where the loaded model's memory goes, and how full its context is. Bytes unless named otherwise. */
export interface ModelMemoryView {
    readonly weightsBytes: number;
    /** The KV cache allocated for the whole context; null when the model's shape is not known. */
    readonly kvCacheBytes: number | null;
    /** The part of the KV cache in use now. */
    readonly kvInUseBytes: number;
    /** Scratch buffers for evaluation; null when not known. */
    readonly computeBytes: number | null;
    /** What the model and its context take on the GPU; 0 on the CPU. */
    readonly onGpuBytes: number;
    readonly contextSize: number;
    /** Tokens the context holds now. */
    readonly contextTokens: number;
    /** The GPU's memory; null on the CPU. */
    readonly vram: {readonly totalBytes: number; readonly usedBytes: number; readonly freeBytes: number} | null;
    /** The speculative-decoding draft model's weights and context, when one is loaded. */
    readonly draft?: {readonly fileName: string; readonly bytes: number};
    /** LoRA adapter weights the model holds (node-llama-cpp frees them only with the model), when any. */
    readonly adapters?: {readonly bytes: number};
}

/** The loaded model as the panel shows it. */
export interface LoadedModelView {
    readonly path: string;
    readonly fileName: string;
    readonly name: string | null;
    readonly architecture: string;
    readonly parameters: number;
    /** "Q4_K_M", "F16", ...; null when the file does not say. */
    readonly fileType: string | null;
    readonly bitsPerWeight: number;
    readonly sizeBytes: number;
    readonly contextSize: number;
    /** "CPU", or the GPU backend and device ("CUDA · NVIDIA H100"). */
    readonly device: string;
    readonly gpuLayers: number;
    readonly threads: number;
    /** LoRA adapters applied, in stacking order; empty when none. */
    readonly adapters: readonly {readonly path: string; readonly fileName: string; readonly scale: number}[];
    /** Why adapters asked for at load were left out; null when none were. */
    readonly adapterNotice: string | null;
}

/** The LoRA adapters card: adapters the panel can switch to, and how the last change went. */
export interface LoraView {
    /** Adapters beside the model, in the settings or used in this session (active ones too). */
    readonly known: readonly {readonly path: string; readonly fileName: string}[];
    /** "Applying x.gguf…" while a change runs; null otherwise. */
    readonly busy: string | null;
    /** Why the newest change was refused (the model kept serving as it was); null when it was not. */
    readonly failure: string | null;
}

export type ModelView =
    | {readonly kind: "none"}
    | {readonly kind: "loading"; readonly fileName: string}
    | {readonly kind: "ready"; readonly model: LoadedModelView}
    | {readonly kind: "failed"; readonly fileName: string; readonly message: string};

/** Where a variant would run with the memory free now (from the model-management fit estimate). */
export interface FitView {
    readonly verdict: "gpu" | "partial-gpu" | "cpu" | "none";
    /** "fits on GPU", "CPU only", "will not fit". */
    readonly label: string;
    /** The numbers behind the verdict, for a tooltip. */
    readonly detail: string;
    /** RAM plus VRAM the weights and a context of the configured size need. */
    readonly memoryBytes: number;
}

/** Quality and speed of a variant, once an A/B evaluation has measured them. */
export interface MeasuredView {
    readonly perplexity: number | null;
    readonly tokensPerSecond: number | null;
}

export interface VariantView {
    readonly path: string;
    readonly fileName: string;
    readonly fileType: string | null;
    readonly bitsPerWeight: number;
    readonly sizeBytes: number;
    readonly isCurrent: boolean;
    /** null when it could not be estimated. */
    readonly fit: FitView | null;
    /** null until measured. */
    readonly measured: MeasuredView | null;
}

export type VariantsView =
    | {readonly kind: "noModel"}
    | {readonly kind: "searching"}
    | {readonly kind: "ready"; readonly variants: readonly VariantView[]; readonly searchedDirs: readonly string[]}
    | {readonly kind: "failed"; readonly message: string};

/** A switch to another variant started from the panel. */
export type SwitchView =
    | {readonly kind: "idle"}
    | {readonly kind: "switching"; readonly fileName: string}
    /**
     * The switch failed; the model that was loaded keeps serving. `stillLoaded` names it, so the
     * banner never depends on which of two state messages arrives first.
     */
    | {readonly kind: "failed"; readonly fileName: string; readonly message: string; readonly stillLoaded: string | null};

export interface QuantizeView {
    /** The quantization command is registered in this VS Code. */
    readonly available: boolean;
    /** Why not, for the disabled button's tooltip. */
    readonly reason: string | null;
}

/** One finished request to the model, with the energy estimate the host could make for it. */
export interface RequestView {
    /** Epoch milliseconds when it finished. */
    readonly at: number;
    /** An inline completion (or its prefetch), or the assistant. */
    readonly kind: "completion" | "chat";
    readonly modelFileName: string;
    readonly ttftMs: number;
    /** null when no prompt token was evaluated. */
    readonly promptTokensPerSecond: number | null;
    readonly tokensPerSecond: number;
    readonly promptTokensEvaluated: number;
    readonly promptTokensReused: number;
    readonly tokens: number;
    readonly totalMs: number;
    /** Joules per generated token from the power measured around it; null when power is unknown. */
    readonly joulesPerToken: number | null;
    /** Speculative decoding for this request; absent when the engine did not report it. */
    readonly speculation?: SpeculationView;
    /** The prompt by part with the caps on each; absent when the request did not report it. */
    readonly promptParts?: PromptPartsView;
}

/** A part of a prompt: completions have the first four, the assistant the last four. */
export type PromptPartKey = "prefix" | "suffix" | "extraContext" | "markers" | "system" | "toolsSchema" | "history" | "userMessage";

/** One request's prompt by part, in tokens, with the cap on each part (absent: uncapped). */
export interface PromptPartsView {
    readonly tokens: Readonly<Partial<Record<PromptPartKey, number>>>;
    readonly caps: Readonly<Partial<Record<PromptPartKey, number>>>;
    readonly totalCap?: number;
    /** "tokenizer" (the model's own), "server" (its /tokenize) or "estimate" (from characters). */
    readonly countedBy: "tokenizer" | "server" | "estimate";
    /** One line on what was left out to fit the budget. */
    readonly trimmed?: string;
}

/** How guessed tokens fared in one request (the text is the same as without guessing). */
export interface SpeculationView {
    /** What guessed: "none", "promptLookup" or "draftModel". */
    readonly predictor: string;
    readonly accepted: number;
    readonly rejected: number;
    /** accepted / (accepted + rejected); null when nothing was guessed. */
    readonly acceptance: number | null;
    /** Generated tokens per model step: the most the guesses can have sped decoding up. */
    readonly tokensPerStep: number;
}

/** One point of the rolling machine chart; null where the sensor had nothing. */
export interface HistoryPoint {
    /** Epoch seconds (uPlot's time unit). */
    readonly t: number;
    readonly cpuPercent: number | null;
    readonly memoryPercent: number | null;
    readonly gpuPercent: number | null;
    readonly processCpuPercent: number | null;
}

/** A saved comparison in the A/B tab's list. */
export interface AbHistoryView {
    /** The id `abSelect` and `abExport` name. */
    readonly id: string;
    /** ISO date. */
    readonly createdAt: string;
    /** File names. */
    readonly reference: string;
    readonly candidates: readonly string[];
}

/** A table row: a label, then the reference's cell and each candidate's. */
export type TableRowView = readonly [string, ...string[]];

/** One point of an A/B chart against file size, with its interval (bootstrap CI or min–max range). */
export interface ChartPointView {
    readonly label: string;
    readonly sizeBytes: number;
    readonly value: number;
    readonly low: number;
    readonly high: number;
    readonly isReference: boolean;
}

/** One comparison's result as the A/B tab draws it. */
export interface AbResultView {
    readonly id: string;
    /** ISO date; the webview writes it in the user's locale. */
    readonly createdAt: string;
    /** One sentence per candidate. */
    readonly verdicts: readonly string[];
    readonly reference: {readonly fileName: string; readonly label: string};
    /** The side-by-side table, as text cells (the Markdown export draws the same rows). */
    readonly table: {readonly header: TableRowView; readonly rows: readonly TableRowView[]};
    /** Mean KLD against file size; empty when quality was not measured. */
    readonly kldVsSize: readonly ChartPointView[];
    /** Decode tokens/s against file size; empty when speed was not measured. */
    readonly tgVsSize: readonly ChartPointView[];
    readonly notes: readonly string[];
}

/** The A/B tab: the comparison running now, the saved ones, and the one shown (src/ab/abPanelFeed.ts). */
export interface AbTabView {
    readonly running: {
        readonly message: string; readonly fraction: number; readonly candidates: readonly string[];
        /** "about 3 min left", from the time per token measured so far; null until measured. */
        readonly timeLeft: string | null;
    } | null;
    /** Newest first. */
    readonly history: readonly AbHistoryView[];
    /** The newest comparison, or the one picked from the history. */
    readonly selected: AbResultView | null;
}

/** Where one job (inline completions, the assistant) runs, and how its server is doing. */
export interface JobPlacementView {
    readonly job: "completions" | "assistant";
    /** "This process", or the server's name. */
    readonly where: string;
    readonly kind: "local" | "llamaServer" | "ollama" | "openai";
    readonly url: string | null;
    /** The model the job uses there; null when none is loaded in-process. */
    readonly model: string | null;
    /** `fallback`: the server failed and the in-process model stands in; `down`: nothing serves the job. */
    readonly state: "ok" | "fallback" | "down" | "unsupported";
    /** Why the state is not "ok". */
    readonly detail: string | null;
    /** Whether the panel can switch this job's quantization, and why not. */
    readonly quantizationSwitch: {readonly available: boolean; readonly reason: string | null};
}

/** A server's live figures (llama-server's /metrics and /slots), with its name; null where the server does not say. */
export interface ServerFiguresView {
    readonly name: string;
    readonly url: string;
    readonly tokensPerSecond: number | null;
    readonly promptTokensPerSecond: number | null;
    /** Tokens held in the KV cache over all slots, and the slots' total context. */
    readonly kvTokens: number | null;
    readonly kvCapacity: number | null;
    /** Slots processing a request now, of all slots. */
    readonly slotsBusy: number | null;
    readonly slotsTotal: number | null;
    /** Requests waiting for a free slot. */
    readonly requestsWaiting: number | null;
    readonly note: string | null;
}

/** The panel's "Where it runs" section: one entry per job, and the figures of each server in use. */
export interface BackendsView {
    readonly jobs: readonly JobPlacementView[];
    readonly servers: readonly ServerFiguresView[];
}

/** Everything the panel shows: sent in full after `ready`. */
export interface PanelState {
    readonly sampleIntervalMs: number;
    readonly hardware: HardwareView | null;
    /** Oldest first. */
    readonly history: readonly HistoryPoint[];
    readonly model: ModelView;
    readonly memory: ModelMemoryView | null;
    /** Oldest first. */
    readonly requests: readonly RequestView[];
    readonly variants: VariantsView;
    readonly switching: SwitchView;
    readonly quantize: QuantizeView;
    readonly ab: AbTabView;
    /** Where completions and the assistant run; absent in hosts without server support. */
    readonly backends?: BackendsView;
    readonly lora: LoraView;
}

/** Host → webview. */
export type HostMessage =
    /** Answer to `ready`: the whole state. */
    | {readonly type: "state"; readonly state: PanelState}
    /** Each sample while the panel is visible, with the model's memory read at the same time. */
    | {readonly type: "hardware"; readonly snapshot: HardwareView; readonly point: HistoryPoint; readonly memory: ModelMemoryView | null}
    /** The model started loading, finished, failed, or was unloaded. */
    | {readonly type: "model"; readonly model: ModelView; readonly memory: ModelMemoryView | null}
    /** A request to the model finished. */
    | {readonly type: "request"; readonly request: RequestView}
    | {readonly type: "variants"; readonly variants: VariantsView}
    | {readonly type: "switching"; readonly switching: SwitchView}
    | {readonly type: "settings"; readonly sampleIntervalMs: number}
    /** An A/B comparison started, progressed, finished, or the history or selection changed. */
    | {readonly type: "ab"; readonly ab: AbTabView}
    /** Where the jobs run changed (settings, a server failed or came back), or fresh server figures (while visible). */
    | {readonly type: "backends"; readonly backends: BackendsView}
    /** A LoRA adapter change started or ended, or the adapters the card offers changed. */
    | {readonly type: "lora"; readonly lora: LoraView};

/** Webview → host. */
export type WebviewMessage =
    /** The script runs and listens; the host answers with `state`. Sent again after every reload. */
    | {readonly type: "ready"}
    /** Load this variant instead of the current model (must be one the host listed). */
    | {readonly type: "switchModel"; readonly path: string}
    /** Run the quantization command on the loaded model. */
    | {readonly type: "quantize"}
    /** Search the disk for variants again. */
    | {readonly type: "refreshVariants"}
    /** Open the panel's settings (sampling interval). */
    | {readonly type: "openSettings"}
    | {readonly type: "showLog"}
    /** Start `QuantPilot: Compare Quantizations…` (it asks for reference, candidates and texts). */
    | {readonly type: "abCompare"}
    /** Cancel the running comparison. */
    | {readonly type: "abCancel"}
    /** Show this saved comparison (an id the host listed). */
    | {readonly type: "abSelect"; readonly id: string}
    /** Export a saved comparison as JSON or Markdown (the host asks where). */
    | {readonly type: "abExport"; readonly id: string; readonly format: "json" | "markdown"}
    /** Run `QuantPilot: Switch Quantization…` (offered only for jobs that run in this process). */
    | {readonly type: "switchQuantization"}
    /** Open the server settings (endpoints and which job runs where). */
    | {readonly type: "openServerSettings"}
    /** Switch to this LoRA adapter alone (one the host listed in `lora.known`). */
    | {readonly type: "useAdapter"; readonly path: string}
    /** Take this adapter off the model (the others stay). */
    | {readonly type: "unloadAdapter"; readonly path: string}
    /** Take every adapter off the model. */
    | {readonly type: "unloadAdapters"}
    /** Run `QuantPilot: Load LoRA Adapter…` (file picker and scale). */
    | {readonly type: "loadAdapter"};

/** The whole protocol, for the webview's typed channel (webview/shared/hostChannel.ts). */
export interface PanelProtocol {
    readonly hostMessage: HostMessage;
    readonly webviewMessage: WebviewMessage;
    readonly persisted: PersistedPanelState;
}
