import {approxFileBytes, type Catalog, type CatalogModel, type CatalogUse} from "./catalog";
import {formatBytes} from "../util/format";

export interface MemoryBudget {
    readonly freeRamBytes: number;
    /** 0 without a usable GPU. */
    readonly freeVramBytes: number;
}

export interface Recommendation {
    readonly model: CatalogModel;
    readonly quant: string;
    /** Weights plus runtime overhead, roughly. */
    readonly neededBytes: number;
    readonly where: "gpu" | "cpu";
    readonly reason: string;
}

/** Share of free RAM a model may take: the editor, language servers and the OS need the rest. */
const RAM_SHARE = 0.6;
/** Context, compute buffers and runtime on top of the weights, for a few thousand tokens of context. */
const OVERHEAD_FACTOR = 1.15;
const OVERHEAD_BYTES = 300 * 1024 ** 2;
/** Inline completions must answer in well under a second; on a CPU that caps the model size. */
const CPU_COMPLETION_MAX_PARAMS_B = 3.5;
const PREFERRED_QUANTS = ["Q4_K_M", "Q4_0", "IQ4_XS", "Q5_K_M", "Q8_0"];

/**
 * The largest catalog model for `use` that fits the memory free now: on the GPU when its VRAM
 * holds it, else in a share of free RAM. Verified entries win ties. Undefined when nothing fits.
 */
export function recommendModel(catalog: Catalog, use: CatalogUse, budget: MemoryBudget): Recommendation | undefined {
    let best: Recommendation | undefined;
    for (const model of catalog.models) {
        const quant = PREFERRED_QUANTS.find((q) => model.quants.includes(q));
        if (!model.use.includes(use) || quant == null)
            continue;
        const neededBytes = Math.round(approxFileBytes(model, quant) * OVERHEAD_FACTOR + OVERHEAD_BYTES);
        const where = placement(model, use, neededBytes, budget);
        if (where == null)
            continue;
        const candidate: Recommendation = {model, quant, neededBytes, where, reason: reasonFor(model, quant, neededBytes, where, budget)};
        if (best == null || better(candidate, best))
            best = candidate;
    }
    return best;
}

function placement(model: CatalogModel, use: CatalogUse, neededBytes: number, budget: MemoryBudget): "gpu" | "cpu" | undefined {
    if (budget.freeVramBytes >= neededBytes)
        return "gpu";
    if (use === "completions" && model.parametersB > CPU_COMPLETION_MAX_PARAMS_B)
        return undefined;
    return budget.freeRamBytes * RAM_SHARE >= neededBytes ? "cpu" : undefined;
}

function better(a: Recommendation, b: Recommendation): boolean {
    if (a.where !== b.where)
        return a.where === "gpu" && a.model.parametersB >= b.model.parametersB;
    if (a.model.parametersB !== b.model.parametersB)
        return a.model.parametersB > b.model.parametersB;
    return a.model.verified.repo && !b.model.verified.repo;
}

function reasonFor(model: CatalogModel, quant: string, neededBytes: number, where: "gpu" | "cpu", budget: MemoryBudget): string {
    const free = where === "gpu" ? `${formatBytes(budget.freeVramBytes)} of free VRAM` : `${formatBytes(budget.freeRamBytes)} of free RAM`;
    return `${model.name} ${quant} needs about ${formatBytes(neededBytes)}; ${free} holds it`;
}
