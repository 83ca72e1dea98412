import {readFile} from "node:fs/promises";
import {readGgufHeader} from "../../src/gguf/ggufReader";
import {GgufValueType, type GgufEntry, type GgufScalar} from "../../src/gguf/ggufValue";

/**
 * A GGUF file as raw parts, for writing malformed files on purpose: duplicate keys, wrong
 * counts, offsets and types are all expressible here (the product's writer refuses them).
 */
export interface RawGguf {
    readonly magic?: number;
    readonly version?: number;
    /** Written instead of the real counts when set. */
    readonly tensorCount?: number;
    readonly kvCount?: number;
    readonly kvs: readonly RawKv[];
    readonly tensors: readonly RawTensorInfo[];
    /** Padding before the data section. Default: 32; 1 writes no padding. */
    readonly alignment?: number;
    readonly data: Buffer;
}

/** A key with an entry, or with the bytes of its type and value already encoded. */
export interface RawKv {
    readonly key: string;
    readonly entry?: GgufEntry;
    readonly raw?: Buffer;
}

export interface RawTensorInfo {
    readonly name: string;
    readonly dims: readonly number[];
    readonly type: number;
    readonly offset: number;
}

/** A valid model taken apart: its metadata in order and each tensor with its bytes. */
export interface ModelParts {
    readonly kvs: ReadonlyArray<readonly [string, GgufEntry]>;
    readonly tensors: ReadonlyArray<{readonly name: string; readonly dims: readonly number[]; readonly type: number; readonly data: Buffer}>;
}

export async function readModelParts(path: string): Promise<ModelParts> {
    const header = await readGgufHeader(path);
    const bytes = await readFile(path);
    return {
        kvs: [...header.metadata.entries()],
        tensors: header.tensors.map((t) => {
            const start = header.dataOffset + t.offset;
            return {name: t.name, dims: t.dims, type: t.type, data: bytes.subarray(start, start + (t.byteSize ?? 0))};
        })
    };
}

/** Lays the parts out as a well-formed file would: tensors in order, each aligned to 32 bytes. */
export function assemble(parts: ModelParts): RawGguf {
    const chunks: Buffer[] = [];
    const tensors: RawTensorInfo[] = [];
    let offset = 0;
    for (const t of parts.tensors) {
        tensors.push({name: t.name, dims: t.dims, type: t.type, offset});
        const padded = Math.ceil(t.data.length / 32) * 32;
        chunks.push(t.data, Buffer.alloc(padded - t.data.length));
        offset += padded;
    }
    return {kvs: parts.kvs.map(([key, entry]) => ({key, entry})), tensors, data: Buffer.concat(chunks)};
}

export function encodeGguf(raw: RawGguf): Buffer {
    const out = new Sink();
    out.u32(raw.magic ?? 0x46554747);
    out.u32(raw.version ?? 3);
    out.u64(raw.tensorCount ?? raw.tensors.length);
    out.u64(raw.kvCount ?? raw.kvs.length);
    for (const kv of raw.kvs) {
        out.string(kv.key);
        if (kv.raw != null)
            out.bytes(kv.raw);
        else if (kv.entry != null)
            encodeEntry(out, kv.entry);
    }
    for (const t of raw.tensors) {
        out.string(t.name);
        out.u32(t.dims.length);
        for (const d of t.dims)
            out.u64(d);
        out.u32(t.type);
        out.u64(t.offset);
    }
    out.pad(raw.alignment ?? 32);
    out.bytes(raw.data);
    return out.toBuffer();
}

/** The bytes of an array value (type, item type, count, items) built without a JS array per item. */
export function rawArray(itemType: GgufValueType, count: number, items: Buffer): Buffer {
    const head = Buffer.alloc(16);
    head.writeUInt32LE(GgufValueType.Array, 0);
    head.writeUInt32LE(itemType, 4);
    head.writeBigUInt64LE(BigInt(count), 8);
    return Buffer.concat([head, items]);
}

/** A raw value header claiming `count` items (or a string of `count` bytes) with nothing after it. */
export function rawClaim(type: GgufValueType, count: number, itemType = GgufValueType.Uint8): Buffer {
    const out = new Sink();
    out.u32(type);
    if (type === GgufValueType.Array)
        out.u32(itemType);
    out.u64(count);
    return out.toBuffer();
}

function encodeEntry(out: Sink, entry: GgufEntry): void {
    out.u32(entry.type);
    if (entry.type !== GgufValueType.Array) {
        encodeScalar(out, entry.type, entry.value);
        return;
    }
    out.u32(entry.itemType);
    out.u64(entry.value.length);
    for (const item of entry.value)
        encodeScalar(out, entry.itemType, item);
}

function encodeScalar(out: Sink, type: GgufValueType, value: GgufScalar): void {
    const fixed = (n: number, write: (b: Buffer) => void) => {
        const b = Buffer.alloc(n);
        write(b);
        out.bytes(b);
    };
    switch (type) {
        case GgufValueType.Uint8: return fixed(1, (b) => b.writeUInt8(Number(value)));
        case GgufValueType.Int8: return fixed(1, (b) => b.writeInt8(Number(value)));
        case GgufValueType.Uint16: return fixed(2, (b) => b.writeUInt16LE(Number(value)));
        case GgufValueType.Int16: return fixed(2, (b) => b.writeInt16LE(Number(value)));
        case GgufValueType.Uint32: return out.u32(Number(value));
        case GgufValueType.Int32: return fixed(4, (b) => b.writeInt32LE(Number(value)));
        case GgufValueType.Float32: return fixed(4, (b) => b.writeFloatLE(Number(value)));
        case GgufValueType.Bool: return fixed(1, (b) => b.writeUInt8(value === true ? 1 : 0));
        case GgufValueType.String: return out.string(String(value));
        case GgufValueType.Uint64: return out.u64(Number(value));
        case GgufValueType.Int64: return fixed(8, (b) => b.writeBigInt64LE(BigInt(Number(value))));
        case GgufValueType.Float64: return fixed(8, (b) => b.writeDoubleLE(Number(value)));
        default: throw new Error(`cannot encode value type ${type}`);
    }
}

class Sink {
    private chunks: Buffer[] = [];
    private length = 0;

    bytes(b: Buffer): void {
        this.chunks.push(b);
        this.length += b.length;
    }

    u32(value: number): void {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(value >>> 0);
        this.bytes(b);
    }

    u64(value: number | bigint): void {
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
