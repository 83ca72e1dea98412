import {downloadUri, type Catalog, type CatalogModel, type PinnedFile} from "./catalog";
import {formatBytes} from "../util/format";

/** The real model the first run offers: what is shown before the download and checked after it. */
export interface StarterModel {
    readonly model: CatalogModel;
    readonly quant: string;
    readonly uri: string;
    readonly pin: PinnedFile;
}

/** Context, compute buffers and runtime on top of the weights, for a few thousand tokens of context. */
const OVERHEAD_BYTES = 300 * 1024 ** 2;

/** The catalog's first-run model, or undefined when the catalog marks none. */
export function starterModel(catalog: Catalog): StarterModel | undefined {
    const model = catalog.models.find((m) => m.firstRun != null);
    const quant = model?.firstRun;
    const pin = quant != null ? model?.pinned?.[quant] : undefined;
    return model == null || quant == null || pin == null ? undefined : {model, quant, uri: downloadUri(model, quant), pin};
}

/** Roughly what running it takes: the weights plus context and runtime. */
export function starterNeededBytes(starter: StarterModel): number {
    return starter.pin.sizeBytes + OVERHEAD_BYTES;
}

/**
 * The facts shown before the download, in one line: size, licence, checksum and whether it fits
 * the memory free now. "Qwen2.5-Coder 0.5B Instruct Q4_K_M: 469 MB download, Apache-2.0,
 * SHA-256 1d961463…c4ff32; needs about 769 MB of memory, 12 GB free: fits".
 */
export function describeStarter(starter: StarterModel, freeRamBytes: number): string {
    const needed = starterNeededBytes(starter);
    const sha = starter.pin.sha256;
    const fits = needed <= freeRamBytes ? "fits" : "does not fit now (close other programs first)";
    return `${starter.model.name} ${starter.quant}: ${formatBytes(starter.pin.sizeBytes)} download, ${starter.model.license}, ` +
        `SHA-256 ${sha.slice(0, 8)}…${sha.slice(-6)}; needs about ${formatBytes(needed)} of memory, ${formatBytes(freeRamBytes)} free: ${fits}`;
}
