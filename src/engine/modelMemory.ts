import {ggmlTypeInfo} from "../gguf/ggmlTypes";
import type {LoadedModel} from "./loadedModel";
import {adapterBytesHeld} from "./lora/adapterMemory";

/** Where the loaded model's memory goes, and how full its context is. Bytes unless named otherwise. */
export interface ModelMemory {
    /** The weights as llama.cpp holds them (RAM and VRAM together). */
    readonly weightsBytes: number;
    /** The KV cache allocated for the whole context; null when the model's shape is not known. */
    readonly kvCacheBytes: number | null;
    /** The part of the KV cache (and logits) in use now: llama.cpp's state size. */
    readonly kvInUseBytes: number;
    /** Scratch buffers for evaluation: node-llama-cpp's estimate of the context less its KV cache. */
    readonly computeBytes: number | null;
    /** What the model and its context take on the GPU (node-llama-cpp's accounting); 0 on the CPU. */
    readonly onGpuBytes: number;
    readonly contextSize: number;
    /** Tokens the context holds now (prompt plus generated, kept for reuse). */
    readonly contextTokens: number;
    /** The GPU's memory as llama.cpp sees it; null on the CPU. */
    readonly vram: {readonly totalBytes: number; readonly usedBytes: number; readonly freeBytes: number} | null;
    /** The speculative-decoding draft model beside it (weights and context), when one is loaded. */
    readonly draft?: {readonly fileName: string; readonly bytes: number};
    /** LoRA adapter weights the model holds (active or not: they are freed with the model). */
    readonly adapters?: {readonly bytes: number};
}

/** Reads the figures; cheap (no evaluation), safe to call every sampling tick. */
export async function readModelMemory(loaded: LoadedModel): Promise<ModelMemory> {
    const context = loaded.llamaContext;
    const model = loaded.model;
    const perToken = kvBytesPerToken(loaded);
    const kvCacheBytes = perToken == null ? null : perToken * context.contextSize;
    const contextEstimate = context.memoryUsage.ram + context.memoryUsage.vram;
    const onGpuBytes = model.memoryUsage.vram + context.memoryUsage.vram;
    const vram = model.llama.gpu === false ? null : await model.llama.getVramState();
    return {
        weightsBytes: model.size,
        kvCacheBytes,
        kvInUseBytes: context.stateSize,
        computeBytes: kvCacheBytes != null && contextEstimate > 0 ? Math.max(0, contextEstimate - kvCacheBytes) : null,
        onGpuBytes,
        contextSize: context.contextSize,
        contextTokens: loaded.contextTokens,
        vram: vram == null ? null : {totalBytes: vram.total, usedBytes: vram.used, freeBytes: vram.free},
        ...draftMemory(loaded),
        ...(adapterBytesHeld(model) > 0 ? {adapters: {bytes: adapterBytesHeld(model)}} : {})
    };
}

function draftMemory(loaded: LoadedModel): {draft?: {fileName: string; bytes: number}} {
    const draft = loaded.speculation?.draft;
    if (draft == null || draft.context.disposed)
        return {};
    const usage = draft.context.memoryUsage;
    return {draft: {fileName: draft.fileName, bytes: draft.model.size + usage.ram + usage.vram}};
}

/**
 * Keys and values for one token in every layer: layers × KV heads × (key + value width) × the
 * cache's element size. Reads the GGUF metadata node-llama-cpp parsed at load.
 */
function kvBytesPerToken(loaded: LoadedModel): number | null {
    const metadata = loaded.model.fileInfo.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
    const arch = metadata[loaded.description.architecture];
    const attention = arch?.attention as Record<string, unknown> | undefined;
    const layers = asNumber(arch?.block_count);
    const heads = asNumber(attention?.head_count);
    const kvHeads = asNumber(attention?.head_count_kv) ?? heads;
    const width = asNumber(arch?.embedding_length);
    if (layers == null || heads == null || kvHeads == null || width == null)
        return null;
    const keyLength = asNumber(attention?.key_length) ?? width / heads;
    const valueLength = asNumber(attention?.value_length) ?? width / heads;
    const k = elementBytes(loaded.llamaContext.kvCacheKeyType);
    const v = elementBytes(loaded.llamaContext.kvCacheValueType);
    if (k == null || v == null)
        return null;
    return layers * kvHeads * (keyLength * k + valueLength * v);
}

/** Per-layer head counts come as arrays in some architectures; their mean gives the total. */
function asNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value))
        return value;
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "number"))
        return (value as number[]).reduce((a, b) => a + b, 0) / value.length;
    return undefined;
}

function elementBytes(type: unknown): number | undefined {
    const info = typeof type === "number" ? ggmlTypeInfo(type) : undefined;
    return info == null ? undefined : info.bytesPerBlock / info.blockSize;
}
