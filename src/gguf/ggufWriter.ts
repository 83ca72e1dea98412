import {open, rename, rm} from "node:fs/promises";
import {GgufValueType, type GgufEntry, type GgufScalar} from "./ggufValue";
import {tensorByteSize} from "./ggmlTypes";

const GGUF_MAGIC = 0x46554747;
const GGUF_VERSION = 3;
const ALIGNMENT = 32;
const WRITE_CHUNK_BYTES = 8 << 20;

export interface TensorToWrite {
    readonly name: string;
    /** ggml order: dims[0] is the row length (the fastest-moving index). */
    readonly dims: readonly number[];
    readonly type: number;
    /**
     * Produces the tensor's bytes in order, in chunks of whole rows, so that a 1 GB model is
     * written without holding it in memory.
     */
    readonly data: () => Iterable<Uint8Array>;
}

/**
 * Writes a GGUF v3 file. The file appears under its final name only once complete: it is
 * written as `<out>.<pid>.partial` and renamed, so an interrupted write never leaves a half model
 * where a loader would pick it up.
 */
export async function writeGguf(
    outPath: string,
    metadata: ReadonlyMap<string, GgufEntry>,
    tensors: readonly TensorToWrite[],
    signal?: AbortSignal
): Promise<void> {
    // Named after this process, so a sweep can tell a live write from one a kill left behind.
    const partialPath = `${outPath}.${process.pid}.partial`;
    const handle = await open(partialPath, "w");
    try {
        const sizes = tensors.map(tensorSize);
        await handle.write(encodeHeader(metadata, tensors, sizes));
        for (let i = 0; i < tensors.length; i++)
            await writeTensorData(handle, tensors[i]!, sizes[i]!, signal);
        await handle.close();
        await rename(partialPath, outPath);
    } catch (err) {
        await handle.close().catch(() => undefined);
        await rm(partialPath, {force: true});
        throw err;
    }
}

function tensorSize(tensor: TensorToWrite): number {
    const size = tensorByteSize(tensor.type, tensor.dims);
    if (size == null)
        throw new Error(`tensor ${tensor.name}: type ${tensor.type} cannot hold a row of ${tensor.dims[0]} elements`);
    return size;
}

async function writeTensorData(
    handle: Awaited<ReturnType<typeof open>>,
    tensor: TensorToWrite,
    size: number,
    signal: AbortSignal | undefined
): Promise<void> {
    let written = 0;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
        if (pendingBytes === 0)
            return;
        await handle.write(Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
    };
    for (const chunk of tensor.data()) {
        signal?.throwIfAborted();
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        written += chunk.byteLength;
        if (pendingBytes >= WRITE_CHUNK_BYTES)
            await flush();
    }
    if (written !== size)
        throw new Error(`tensor ${tensor.name}: produced ${written} bytes, expected ${size}`);
    const padding = alignUp(size) - size;
    if (padding > 0) {
        pending.push(new Uint8Array(padding));
        pendingBytes += padding;
    }
    await flush();
}

function alignUp(offset: number): number {
    return Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
}

function encodeHeader(
    metadata: ReadonlyMap<string, GgufEntry>,
    tensors: readonly TensorToWrite[],
    sizes: readonly number[]
): Buffer {
    const out = new ByteSink();
    out.u32(GGUF_MAGIC);
    out.u32(GGUF_VERSION);
    out.u64(tensors.length);
    out.u64(metadata.size);
    for (const [key, entry] of metadata) {
        out.string(key);
        writeEntry(out, entry);
    }
    let offset = 0;
    tensors.forEach((tensor, i) => {
        out.string(tensor.name);
        out.u32(tensor.dims.length);
        for (const dim of tensor.dims)
            out.u64(dim);
        out.u32(tensor.type);
        out.u64(offset);
        offset += alignUp(sizes[i]!);
    });
    out.pad(ALIGNMENT);
    return out.toBuffer();
}

function writeEntry(out: ByteSink, entry: GgufEntry): void {
    out.u32(entry.type);
    if (entry.type !== GgufValueType.Array) {
        writeScalar(out, entry.type, entry.value);
        return;
    }
    out.u32(entry.itemType);
    out.u64(entry.value.length);
    for (const item of entry.value)
        writeScalar(out, entry.itemType, item);
}

function writeScalar(out: ByteSink, type: GgufValueType, value: GgufScalar): void {
    const bytes = (n: number, write: (b: Buffer) => void) => {
        const b = Buffer.alloc(n);
        write(b);
        out.bytes(b);
    };
    switch (type) {
        case GgufValueType.Uint8: return bytes(1, (b) => b.writeUInt8(Number(value)));
        case GgufValueType.Int8: return bytes(1, (b) => b.writeInt8(Number(value)));
        case GgufValueType.Uint16: return bytes(2, (b) => b.writeUInt16LE(Number(value)));
        case GgufValueType.Int16: return bytes(2, (b) => b.writeInt16LE(Number(value)));
        case GgufValueType.Uint32: return out.u32(Number(value));
        case GgufValueType.Int32: return bytes(4, (b) => b.writeInt32LE(Number(value)));
        case GgufValueType.Float32: return bytes(4, (b) => b.writeFloatLE(Number(value)));
        case GgufValueType.Bool: return bytes(1, (b) => b.writeUInt8(value === true ? 1 : 0));
        case GgufValueType.String: return out.string(String(value));
        case GgufValueType.Uint64: return out.u64(Number(value));
        case GgufValueType.Int64: return bytes(8, (b) => b.writeBigInt64LE(BigInt(Number(value))));
        case GgufValueType.Float64: return bytes(8, (b) => b.writeDoubleLE(Number(value)));
        default: throw new Error(`cannot write metadata value type ${type}`);
    }
}

/** Growable byte buffer for the header; tensor data never goes through it. */
class ByteSink {
    private chunks: Buffer[] = [];
    private length = 0;

    bytes(b: Buffer): void {
        this.chunks.push(b);
        this.length += b.length;
    }

    u32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(value);
        this.bytes(b);
    }

    u64(value: number): void {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt(value));
        this.bytes(b);
    }

    string(value: string): void {
        const encoded = Buffer.from(value, "utf8");
        this.u64(encoded.length);
        this.bytes(encoded);
    }

    pad(alignment: number): void {
        const padding = Math.ceil(this.length / alignment) * alignment - this.length;
        if (padding > 0)
            this.bytes(Buffer.alloc(padding));
    }

    toBuffer(): Buffer {
        return Buffer.concat(this.chunks, this.length);
    }
}
