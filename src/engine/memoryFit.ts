import {freemem} from "node:os";
import type {Llama} from "node-llama-cpp";
import {NotEnoughMemoryError} from "./errors";
import type {ModelFileFacts} from "./modelFile";
import {loadNodeLlamaCpp} from "./nodeLlamaCpp";

export interface MemoryEstimate {
    /** Bytes of RAM the weights and context need with the chosen GPU offload. */
    readonly ramBytes: number;
    readonly vramBytes: number;
    readonly freeRamBytes: number;
    readonly freeVramBytes: number;
}

/**
 * node-llama-cpp's estimate (GgufInsights, from the GGUF header and llama.cpp's own size rules)
 * of what a model and a context of `contextSize` need, next to what is free right now.
 */
export async function estimateMemory(
    llama: Llama,
    path: string,
    contextSize: number,
    gpuLayers = 0,
    freeRamBytes = freemem()
): Promise<MemoryEstimate> {
    const {readGgufFileInfo, GgufInsights} = await loadNodeLlamaCpp();
    const insights = await GgufInsights.from(await readGgufFileInfo(path), llama);
    const context = Math.min(contextSize, insights.trainContextSize ?? contextSize);
    const weights = await insights.estimateModelResourceRequirementsV2({gpuLayers});
    const cache = await insights.estimateContextResourceRequirementsV2({contextSize: context, modelGpuLayers: gpuLayers, sequences: 1});
    const vram = llama.gpu === false ? {free: 0} : await llama.getVramState();
    return {
        ramBytes: weights.cpuRam + cache.cpuRam,
        vramBytes: weights.gpuVram + cache.gpuVram,
        freeRamBytes,
        freeVramBytes: vram.free
    };
}

/**
 * Refuses, with the numbers, a CPU load that cannot fit in free RAM. On a GPU, node-llama-cpp
 * already picks how many layers fit and reports when none can.
 */
export async function checkMemoryFits(llama: Llama, facts: ModelFileFacts, contextSize: number, freeRamBytes = freemem()): Promise<void> {
    if (llama.gpu !== false)
        return;
    const estimate = await estimateMemory(llama, facts.path, contextSize, 0, freeRamBytes);
    if (estimate.ramBytes > estimate.freeRamBytes)
        throw new NotEnoughMemoryError(facts.path, estimate.ramBytes, estimate.freeRamBytes, "RAM");
}
