import {freemem} from "node:os";
import type {Llama} from "node-llama-cpp";
import {estimateMemory} from "../../engine/memoryFit";

export interface MemoryPlan {
    /** All models fit at once, so speed runs can alternate between them. */
    readonly together: boolean;
    /** Estimated need of all models loaded at once, and what is free (RAM on the CPU, VRAM on a GPU). */
    readonly neededBytes: number;
    readonly freeBytes: number;
    readonly where: "RAM" | "VRAM";
}

/**
 * Whether every model (weights and a context of `contextSize`) fits in free memory at once,
 * from node-llama-cpp's own estimates. Quality and tasks always run one model at a time; only
 * the speed phase loads them together, and only when this says they fit (with 10 % to spare).
 */
export async function planMemory(
    llama: Llama,
    models: ReadonlyArray<{readonly path: string; readonly layers: number}>,
    contextSize: number,
    freeMemory: () => number = freemem
): Promise<MemoryPlan> {
    const onGpu = llama.gpu !== false;
    let needed = 0;
    let free = 0;
    for (const model of models) {
        // On a GPU every layer and the output layer are offloaded, as ScoringModel loads them when they fit.
        const estimate = await estimateMemory(llama, model.path, contextSize, onGpu ? model.layers + 1 : 0, freeMemory());
        needed += onGpu ? estimate.vramBytes : estimate.ramBytes;
        free = onGpu ? estimate.freeVramBytes : estimate.freeRamBytes;
    }
    return {together: needed * 1.1 <= free, neededBytes: needed, freeBytes: free, where: onGpu ? "VRAM" : "RAM"};
}
