import {open} from "node:fs/promises";
import {ByteWindow} from "./ggufByteWindow";
import type {GgufHeader} from "./ggufHeader";
import {defaultGgufReadLimits, type GgufReadLimits} from "./ggufLimits";
import {GgufHeaderParser} from "./ggufParser";
import {GgufValueType, type GgufScalar} from "./ggufValue";

export {GgufFormatError} from "./ggufFormatError";
export type {GgufHeader, GgufTensorInfo} from "./ggufHeader";

/**
 * Reads a GGUF file's header (metadata and tensor table) without touching tensor data. The file
 * is read in chunks, each parsed synchronously and followed by a turn of the event loop, within
 * limits relative to the file's size (see ggufLimits.ts): a hostile header is refused or read in
 * little memory and time, and never holds the caller's thread for long.
 */
export async function readGgufHeader(path: string, signal?: AbortSignal, limits?: Partial<GgufReadLimits>): Promise<GgufHeader> {
    const handle = await open(path, "r");
    try {
        const {size} = await handle.stat();
        const effective = {...defaultGgufReadLimits(size), ...limits};
        return await new GgufHeaderParser(ByteWindow.overFile(handle, size, effective.maxHeaderBytes), effective, signal).parse();
    } finally {
        await handle.close();
    }
}

/** Parses a GGUF that is wholly in memory (small files such as llama.cpp's vocabulary-only models). */
export function readGgufHeaderFromBuffer(buffer: Buffer, limits?: Partial<GgufReadLimits>): Promise<GgufHeader> {
    const effective = {...defaultGgufReadLimits(buffer.length), ...limits};
    return new GgufHeaderParser(ByteWindow.overBuffer(buffer, effective.maxHeaderBytes), effective).parse();
}

/** Convenience accessors used across the core. */
export function metaString(header: GgufHeader, key: string): string | undefined {
    const entry = header.metadata.get(key);
    return entry != null && typeof entry.value === "string" ? entry.value : undefined;
}

export function metaNumber(header: GgufHeader, key: string): number | undefined {
    const entry = header.metadata.get(key);
    return entry != null && typeof entry.value === "number" ? entry.value : undefined;
}

export function metaArray(header: GgufHeader, key: string): readonly GgufScalar[] | undefined {
    const entry = header.metadata.get(key);
    return entry?.type === GgufValueType.Array ? entry.value : undefined;
}
