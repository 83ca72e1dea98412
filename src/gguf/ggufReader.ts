import {open} from "node:fs/promises";
import {GgufValueType, type GgufEntry, type GgufScalar} from "./ggufValue";
import {tensorByteSize} from "./ggmlTypes";

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const DEFAULT_ALIGNMENT = 32;
const FIRST_READ_BYTES = 1 << 20;
/** Headers beyond this are garbage, not models: the biggest real vocabularies need ~20 MB. */
const MAX_HEADER_BYTES = 512 << 20;

export interface GgufTensorInfo {
    readonly name: string;
    readonly dims: readonly number[];
    readonly type: number;
    /** Offset from the start of the data section. */
    readonly offset: number;
    /** Undefined when the type is unknown to this release. */
    readonly byteSize: number | undefined;
}

export interface GgufHeader {
    readonly version: number;
    readonly metadata: ReadonlyMap<string, GgufEntry>;
    readonly tensors: readonly GgufTensorInfo[];
    readonly alignment: number;
    /** Absolute file offset of the tensor data section. */
    readonly dataOffset: number;
    readonly fileSize: number;
}

/** The file is not a readable GGUF; the message says why in words a person understands. */
export class GgufFormatError extends Error {
    override readonly name = "GgufFormatError";
}

class NeedMoreBytes extends Error {}

/**
 * Reads a GGUF file's header (metadata and tensor table) without touching tensor data.
 * Parsing is synchronous over a buffer that doubles until the header fits, which is much faster
 * than awaiting a read per field when a vocabulary has 150k strings.
 */
export async function readGgufHeader(path: string, signal?: AbortSignal): Promise<GgufHeader> {
    const handle = await open(path, "r");
    try {
        const {size: fileSize} = await handle.stat();
        let want = Math.min(FIRST_READ_BYTES, fileSize);
        for (;;) {
            signal?.throwIfAborted();
            const buffer = Buffer.alloc(want);
            const {bytesRead} = await handle.read(buffer, 0, want, 0);
            try {
                return parseHeader(buffer.subarray(0, bytesRead), fileSize);
            } catch (err) {
                if (!(err instanceof NeedMoreBytes))
                    throw err;
                if (want >= fileSize)
                    throw new GgufFormatError(`the file is truncated: its ${fileSize} bytes end inside the GGUF header`);
                if (want >= MAX_HEADER_BYTES)
                    throw new GgufFormatError("the GGUF header is larger than 512 MB, so the file is damaged");
                want = Math.min(want * 4, fileSize, MAX_HEADER_BYTES);
            }
        }
    } finally {
        await handle.close();
    }
}

/** Parses a GGUF that is wholly in memory (small files such as llama.cpp's vocabulary-only models). */
export function readGgufHeaderFromBuffer(buffer: Buffer): GgufHeader {
    try {
        return parseHeader(buffer, buffer.length);
    } catch (err) {
        if (err instanceof NeedMoreBytes)
            throw new GgufFormatError("the GGUF data is truncated inside its header");
        throw err;
    }
}

function parseHeader(buffer: Buffer, fileSize: number): GgufHeader {
    const cursor = new Cursor(buffer);
    if (buffer.length < 4)
        throw new GgufFormatError("the file is too short to be a GGUF model");
    const magic = cursor.u32();
    if (magic !== GGUF_MAGIC)
        throw new GgufFormatError(`not a GGUF file (it starts with ${describeMagic(buffer)})`);
    const version = cursor.u32();
    if (version < 2 || version > 3)
        throw new GgufFormatError(`GGUF version ${version} is not supported (versions 2 and 3 are)`);
    const tensorCount = cursor.u64();
    const kvCount = cursor.u64();
    const metadata = new Map<string, GgufEntry>();
    for (let i = 0; i < kvCount; i++) {
        const key = cursor.string();
        if (metadata.has(key))
            throw new GgufFormatError(`metadata key "${key}" appears twice`);
        metadata.set(key, readEntry(cursor));
    }
    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++)
        tensors.push(readTensorInfo(cursor));
    const alignmentEntry = metadata.get("general.alignment");
    const alignment = typeof alignmentEntry?.value === "number" ? alignmentEntry.value : DEFAULT_ALIGNMENT;
    if (alignment <= 0 || (alignment & (alignment - 1)) !== 0)
        throw new GgufFormatError(`general.alignment is ${alignment}, which is not a power of two`);
    const dataOffset = Math.ceil(cursor.offset / alignment) * alignment;
    return {version, metadata, tensors, alignment, dataOffset, fileSize};
}

function readTensorInfo(cursor: Cursor): GgufTensorInfo {
    const name = cursor.string();
    const nDims = cursor.u32();
    if (nDims === 0 || nDims > 4)
        throw new GgufFormatError(`tensor "${name}" has ${nDims} dimensions (1 to 4 are allowed)`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++)
        dims.push(cursor.u64());
    const type = cursor.u32();
    const offset = cursor.u64();
    return {name, dims, type, offset, byteSize: tensorByteSize(type, dims)};
}

function readEntry(cursor: Cursor): GgufEntry {
    const type = cursor.u32() as GgufValueType;
    if (type !== GgufValueType.Array)
        return {type: checkScalarType(type), value: readScalar(cursor, type)};
    const itemType = checkScalarType(cursor.u32() as GgufValueType);
    const count = cursor.u64();
    const value: GgufScalar[] = new Array(count);
    for (let i = 0; i < count; i++)
        value[i] = readScalar(cursor, itemType);
    return {type, itemType, value};
}

function checkScalarType(type: GgufValueType): Exclude<GgufValueType, GgufValueType.Array> {
    if (type > GgufValueType.Float64 || type === GgufValueType.Array)
        throw new GgufFormatError(`unknown or nested metadata value type ${type}`);
    return type as Exclude<GgufValueType, GgufValueType.Array>;
}

function readScalar(cursor: Cursor, type: GgufValueType): GgufScalar {
    switch (type) {
        case GgufValueType.Uint8: return cursor.take(1).readUInt8(0);
        case GgufValueType.Int8: return cursor.take(1).readInt8(0);
        case GgufValueType.Uint16: return cursor.take(2).readUInt16LE(0);
        case GgufValueType.Int16: return cursor.take(2).readInt16LE(0);
        case GgufValueType.Uint32: return cursor.u32();
        case GgufValueType.Int32: return cursor.take(4).readInt32LE(0);
        case GgufValueType.Float32: return cursor.take(4).readFloatLE(0);
        case GgufValueType.Bool: return cursor.take(1).readUInt8(0) !== 0;
        case GgufValueType.String: return cursor.string();
        case GgufValueType.Uint64: return cursor.u64();
        case GgufValueType.Int64: return Number(cursor.take(8).readBigInt64LE(0));
        case GgufValueType.Float64: return cursor.take(8).readDoubleLE(0);
        default: throw new GgufFormatError(`unknown metadata value type ${type}`);
    }
}

function describeMagic(buffer: Buffer): string {
    const head = buffer.subarray(0, 4);
    const printable = [...head].every((b) => b >= 0x20 && b < 0x7f);
    return printable ? `"${head.toString("latin1")}"` : `bytes ${head.toString("hex")}`;
}

class Cursor {
    offset = 0;
    constructor(private readonly buffer: Buffer) {}

    take(length: number): Buffer {
        if (this.offset + length > this.buffer.length)
            throw new NeedMoreBytes();
        const slice = this.buffer.subarray(this.offset, this.offset + length);
        this.offset += length;
        return slice;
    }

    u32(): number {
        return this.take(4).readUInt32LE(0);
    }

    /** 64-bit counts and sizes; anything past 2^53 cannot be a real file's and means corruption. */
    u64(): number {
        const value = this.take(8).readBigUInt64LE(0);
        if (value > BigInt(Number.MAX_SAFE_INTEGER))
            throw new GgufFormatError("a 64-bit size in the header is impossibly large; the file is damaged");
        return Number(value);
    }

    string(): string {
        const length = this.u64();
        if (length > MAX_HEADER_BYTES)
            throw new GgufFormatError("a string in the header is impossibly long; the file is damaged");
        return this.take(length).toString("utf8");
    }
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
