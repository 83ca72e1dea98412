import {freemem} from "node:os";
import {estimateMemory} from "../engine/memoryFit";
import {loadNodeLlamaCpp} from "../engine/nodeLlamaCpp";
import {formatBytes} from "../util/format";

/** node-llama-cpp's backend handle, named through the engine (the only importer of node-llama-cpp). */
type Llama = Parameters<typeof estimateMemory>[0];

/** Where a model can run with the memory that is free right now. */
export type FitVerdict = "gpu" | "partial-gpu" | "cpu" | "none";

export interface FitEstimate {
    readonly verdict: FitVerdict;
    /** Layers that would be offloaded to the GPU (0 on the CPU). */
    readonly gpuLayers: number;
    readonly totalLayers: number;
    /** What the weights plus a context of the configured size need. */
    readonly ramBytes: number;
    readonly vramBytes: number;
    readonly freeRamBytes: number;
    readonly freeVramBytes: number;
}

export interface FitOptions {
    /** Tokens of context to budget for (clamped to the model's training context). */
    readonly contextSize: number;
    /** Default: free RAM now (`os.freemem()`). A seam for tests. */
    readonly freeRamBytes?: number;
    /** A speculative-decoding draft model loaded beside it (on the CPU): its weights and context count too. */
    readonly draftPath?: string;
    /**
     * Bytes of LoRA adapter weights that will be applied to it (the adapters carried over from the
     * model loaded now). Default: 0.
     */
    readonly adapterBytes?: number;
}

/**
 * Estimates, from the GGUF header and node-llama-cpp's size rules (GgufInsights), whether the
 * model at `path` fits the GPU, part of it, only the CPU, or nothing, against memory free now.
 */
export async function estimateFit(llama: Llama, path: string, options: FitOptions): Promise<FitEstimate> {
    const {readGgufFileInfo, GgufInsights} = await loadNodeLlamaCpp();
    const insights = await GgufInsights.from(await readGgufFileInfo(path), llama);
    const totalLayers = insights.totalLayers;
    const gpuLayers = llama.gpu === false
        ? 0
        : await insights.configurationResolver.resolveModelGpuLayers("auto").catch(() => 0);
    const estimate = await estimateMemory(llama, path, options.contextSize, gpuLayers, options.freeRamBytes ?? freemem());
    const draft = options.draftPath != null ? await estimateMemory(llama, options.draftPath, options.contextSize, 0) : undefined;
    const extraRam = (draft?.ramBytes ?? 0) + (options.adapterBytes ?? 0);
    return decideFit({...estimate, ramBytes: estimate.ramBytes + extraRam, gpuLayers, totalLayers, gpu: llama.gpu !== false});
}

/** The numbers a verdict is decided from: an estimate without its verdict, plus whether a GPU is in use. */
export interface FitInputs extends Omit<FitEstimate, "verdict"> {
    readonly gpu: boolean;
}

/** The verdict for numbers already estimated. */
export function decideFit(inputs: FitInputs): FitEstimate {
    const {gpu, gpuLayers, totalLayers, ramBytes, vramBytes, freeRamBytes, freeVramBytes} = inputs;
    const fitsRam = ramBytes <= freeRamBytes;
    const fitsVram = !gpu || gpuLayers === 0 || vramBytes <= freeVramBytes;
    const verdict: FitVerdict = !fitsRam || !fitsVram
        ? "none"
        : !gpu || gpuLayers === 0 ? "cpu" : gpuLayers >= totalLayers ? "gpu" : "partial-gpu";
    return {verdict, gpuLayers: gpu ? gpuLayers : 0, totalLayers, ramBytes, vramBytes, freeRamBytes, freeVramBytes: gpu ? freeVramBytes : 0};
}

const LABELS: Record<FitVerdict, string> = {
    "gpu": "fits on GPU",
    "partial-gpu": "partly on GPU",
    "cpu": "CPU only",
    "none": "will not fit"
};

export function fitLabel(verdict: FitVerdict): string {
    return LABELS[verdict];
}

/** "partly on GPU: 20/29 layers, needs 1.2 GB VRAM (3.9 GB free) + 0.8 GB RAM (10.1 GB free)". */
export function describeFit(fit: FitEstimate): string {
    const ram = `${formatBytes(fit.ramBytes)} RAM (${formatBytes(fit.freeRamBytes)} free)`;
    if (fit.verdict === "cpu" || (fit.verdict === "none" && fit.gpuLayers === 0))
        return `${fitLabel(fit.verdict)}: needs ${ram}`;
    const layers = fit.verdict === "partial-gpu" ? `${fit.gpuLayers}/${fit.totalLayers} layers, ` : "";
    return `${fitLabel(fit.verdict)}: ${layers}needs ${formatBytes(fit.vramBytes)} VRAM (${formatBytes(fit.freeVramBytes)} free) + ${ram}`;
}
