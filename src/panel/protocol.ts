/**
 * The one message protocol between the QuantPilot panel's host (src/panel/) and its webview
 * (webview/). Types only: the webview imports it with `import type`, and it never imports vscode.
 *
 * The webview posts `ready` when its script runs; the host answers with `state` (everything) and
 * then pushes changes. Both sides switch exhaustively over `type`, so adding a message here fails
 * to compile until both handle it. The host validates every webview message (webviewMessages.ts).
 */
import type {ModelMemory} from "../engine/modelMemory";
import type {RequestMetrics} from "../engine/requestMetrics";
import type {HardwareSnapshot} from "../hardware/hardwareSnapshot";
import type {AbHistoryEntry} from "../ab/report/abHistory";
import type {AbReport} from "../ab/report/abReport";
import type {AbChartSeries} from "../ab/report/chartSeries";

/**
 * The panel's tabs, in order. A new tab (the A/B evaluation's "ab") adds its id here, its view
 * under webview/tabs/, one entry in webview/tabs/tabList.ts, and its own messages below.
 */
export type PanelTab = "machine" | "model" | "quantization" | "ab";

/** What the webview keeps across hiding and reloads (vscode.setState), and the serializer gets back. */
export interface PersistedPanelState {
    readonly tab: PanelTab;
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
    /** The switch failed; the model that was loaded keeps serving. */
    | {readonly kind: "failed"; readonly fileName: string; readonly message: string};

export interface QuantizeView {
    /** The quantization command is registered in this VS Code. */
    readonly available: boolean;
    /** Why not, for the disabled button's tooltip. */
    readonly reason: string | null;
}

/** One finished request with the energy estimate the host could make for it. */
export interface RequestView extends RequestMetrics {
    /** Joules per generated token from the power measured around it; null when power is unknown. */
    readonly joulesPerToken: number | null;
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

/** The A/B tab: the comparison running now, the saved ones, and the one shown (src/ab/abPanelFeed.ts). */
export interface AbTabView {
    readonly running: {
        readonly message: string; readonly fraction: number; readonly candidates: readonly string[];
        /** "about 3 min left", from the time per token measured so far; null until measured. */
        readonly timeLeft: string | null;
    } | null;
    /** Newest first. */
    readonly history: readonly AbHistoryEntry[];
    /** The newest comparison, or the one picked from the history; its report and chart-ready series. */
    readonly selected: {readonly id: string; readonly report: AbReport; readonly charts: AbChartSeries} | null;
}

/** Everything the panel shows: sent in full after `ready`. */
export interface PanelState {
    readonly sampleIntervalMs: number;
    readonly hardware: HardwareSnapshot | null;
    /** Oldest first. */
    readonly history: readonly HistoryPoint[];
    readonly model: ModelView;
    readonly memory: ModelMemory | null;
    /** Oldest first. */
    readonly requests: readonly RequestView[];
    readonly variants: VariantsView;
    readonly switching: SwitchView;
    readonly quantize: QuantizeView;
    readonly ab: AbTabView;
}

/** Host → webview. */
export type HostMessage =
    /** Answer to `ready`: the whole state. */
    | {readonly type: "state"; readonly state: PanelState}
    /** Each sample while the panel is visible, with the model's memory read at the same time. */
    | {readonly type: "hardware"; readonly snapshot: HardwareSnapshot; readonly point: HistoryPoint; readonly memory: ModelMemory | null}
    /** The model started loading, finished, failed, or was unloaded. */
    | {readonly type: "model"; readonly model: ModelView; readonly memory: ModelMemory | null}
    /** A request to the model finished. */
    | {readonly type: "request"; readonly request: RequestView}
    | {readonly type: "variants"; readonly variants: VariantsView}
    | {readonly type: "switching"; readonly switching: SwitchView}
    | {readonly type: "settings"; readonly sampleIntervalMs: number}
    /** An A/B comparison started, progressed, finished, or the history or selection changed. */
    | {readonly type: "ab"; readonly ab: AbTabView};

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
    | {readonly type: "abExport"; readonly id: string; readonly format: "json" | "markdown"};
