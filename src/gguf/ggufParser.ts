import {NeedMoreBytes, type ByteWindow} from "./ggufByteWindow";
import {GgufFormatError} from "./ggufFormatError";
import type {GgufHeader, GgufTensorInfo} from "./ggufHeader";
import {isTokenizerKey, type GgufReadLimits} from "./ggufLimits";
import {GgufValueType, scalarByteSize, type GgufEntry, type GgufScalar} from "./ggufValue";
import {tensorByteSize} from "./ggmlTypes";

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const DEFAULT_ALIGNMENT = 32;
/** Smallest possible metadata entry: key length, type, one byte of value. */
const MIN_KV_BYTES = 13;
/** Smallest possible tensor description: name length, dimension count, one dimension, type, offset. */
const MIN_TENSOR_INFO_BYTES = 32;
/** llama.cpp's GGML_MAX_NAME: longer tensor names are refused by its loader. */
const MAX_TENSOR_NAME_BYTES = 63;
/** Array items read between deadline checks. */
const BATCH_ITEMS = 8192;
/** Rough JS cost of a kept string beyond its characters. */
const STRING_OVERHEAD_BYTES = 32;
const NUMBER_BYTES = 8;

type ScalarType = Exclude<GgufValueType, GgufValueType.Array>;

/**
 * Parses a GGUF header through a `ByteWindow`. Each item (a field, an entry, a batch of array
 * items) is read synchronously from the bytes in memory; when the window runs out the item is
 * re-read after the next chunk arrives, so a file is read in small steps that each leave the
 * event loop free, within the limits of `GgufReadLimits`.
 */
export class GgufHeaderParser {
    private keptBytes = 0;
    private readonly wallDeadline: number;
    private readonly cpuAtStart = process.cpuUsage();

    constructor(
        private readonly window: ByteWindow,
        private readonly limits: GgufReadLimits,
        private readonly signal?: AbortSignal
    ) {
        this.wallDeadline = performance.now() + limits.wallTimeLimitMs;
    }

    async parse(): Promise<GgufHeader> {
        if (this.window.size < 4)
            throw new GgufFormatError("the file is too short to be a GGUF model");
        const {version, tensorCount, kvCount} = await this.item(() => this.preamble());
        const metadata = new Map<string, GgufEntry>();
        for (let i = 0; i < kvCount; i++) {
            const key = await this.item(() => this.keptString("a metadata key"));
            if (key === "")
                throw new GgufFormatError("a metadata key is empty");
            if (metadata.has(key))
                throw new GgufFormatError(`metadata key "${key}" appears twice`);
            metadata.set(key, await this.entry(key));
        }
        const tensors: GgufTensorInfo[] = [];
        for (let i = 0; i < tensorCount; i++)
            tensors.push(await this.item(() => this.tensorInfo()));
        const alignment = alignmentOf(metadata);
        const dataOffset = Math.ceil(this.window.position / alignment) * alignment;
        return {version, metadata, tensors, alignment, dataOffset, fileSize: this.window.size};
    }

    /** Runs `read` until the window holds the bytes it needs. */
    private async item<T>(read: () => T): Promise<T> {
        for (;;) {
            const mark = this.window.position;
            try {
                return read();
            } catch (err) {
                if (!(err instanceof NeedMoreBytes))
                    throw err;
                this.window.position = mark;
                await this.window.fill(err.end);
                this.checkpoint();
            }
        }
    }

    private checkpoint(): void {
        this.signal?.throwIfAborted();
        const cpu = process.cpuUsage(this.cpuAtStart);
        if ((cpu.user + cpu.system) / 1000 > this.limits.cpuTimeLimitMs)
            throw new GgufFormatError(
                `reading its GGUF header took more than ${Math.round(this.limits.cpuTimeLimitMs / 1000)} s of processor time, so the file is damaged or hostile`);
        if (performance.now() > this.wallDeadline)
            throw new GgufFormatError(
                `reading its GGUF header did not finish within ${Math.round(this.limits.wallTimeLimitMs / 1000)} s: the file's bytes are not arriving (a stalled network drive or a failing disk?)`);
    }

    private preamble(): {version: number; tensorCount: number; kvCount: number} {
        const magic = this.window.u32();
        if (magic !== GGUF_MAGIC)
            throw new GgufFormatError(`not a GGUF file (it starts with ${describeMagic(magic)})`);
        const version = this.window.u32();
        if (version < 2 || version > 3)
            throw new GgufFormatError(`GGUF version ${version} is not supported (versions 2 and 3 are)`);
        const tensorCount = this.window.u64();
        const kvCount = this.window.u64();
        const room = this.window.remaining;
        if (tensorCount * MIN_TENSOR_INFO_BYTES + kvCount * MIN_KV_BYTES > room)
            throw new GgufFormatError(
                `the file is truncated or damaged: its header claims ${tensorCount} tensors and ${kvCount} metadata entries, more than its remaining ${room} bytes could describe`);
        return {version, tensorCount, kvCount};
    }

    private async entry(key: string): Promise<GgufEntry> {
        const type = await this.item(() => this.window.u32());
        if (type !== GgufValueType.Array) {
            const scalarType = checkScalarType(type, key);
            if (scalarType === GgufValueType.String)
                return this.item(() => this.stringEntry());
            return {type: scalarType, value: await this.item(() => this.scalar(scalarType))};
        }
        const {itemType, count} = await this.item(() => ({itemType: checkScalarType(this.window.u32(), key), count: this.window.u64()}));
        const itemBytes = scalarByteSize(itemType);
        if (count * (itemBytes ?? 8) > this.window.remaining)
            throw new GgufFormatError(`the file is truncated or damaged: metadata array "${key}" claims ${count} items, more than its remaining ${this.window.remaining} bytes could hold`);
        const keep = count <= (isTokenizerKey(key) ? this.limits.maxKeptTokenizerItems : this.limits.maxKeptArrayItems);
        if (!keep && itemBytes != null) {
            this.window.skip(count * itemBytes);
            return {type: GgufValueType.Array, itemType, value: [], omittedItems: count};
        }
        const value = await this.items(key, itemType, count, keep);
        return keep ? {type: GgufValueType.Array, itemType, value} : {type: GgufValueType.Array, itemType, value: [], omittedItems: count};
    }

    /** Reads (or, for strings not kept, steps over) `count` items in batches. */
    private async items(key: string, itemType: ScalarType, count: number, keep: boolean): Promise<GgufScalar[]> {
        const values: GgufScalar[] = [];
        let i = 0;
        while (i < count) {
            let mark = this.window.position;
            try {
                const stop = Math.min(count, i + BATCH_ITEMS);
                for (; i < stop; i++) {
                    mark = this.window.position;
                    if (keep)
                        values.push(this.keptItem(key, itemType));
                    else
                        this.skipString();
                }
            } catch (err) {
                if (!(err instanceof NeedMoreBytes))
                    throw err;
                this.window.position = mark;
                await this.window.fill(err.end);
            }
            this.checkpoint();
        }
        return values;
    }

    private keptItem(key: string, itemType: ScalarType): GgufScalar {
        if (itemType !== GgufValueType.String) {
            this.charge(NUMBER_BYTES);
            return this.scalar(itemType);
        }
        const length = this.stringLength();
        if (length > this.limits.maxKeptStringBytes)
            throw new GgufFormatError(`an item of metadata array "${key}" is a string of ${length} bytes, far longer than any model needs`);
        this.charge(STRING_OVERHEAD_BYTES + 2 * length);
        return this.window.take(length).toString("utf8");
    }

    private stringEntry(): GgufEntry {
        const length = this.stringLength();
        if (length > this.limits.maxKeptStringBytes) {
            this.window.skip(length);
            return {type: GgufValueType.String, value: "", omittedBytes: length};
        }
        this.charge(STRING_OVERHEAD_BYTES + 2 * length);
        return {type: GgufValueType.String, value: this.window.take(length).toString("utf8")};
    }

    private keptString(what: string): string {
        const length = this.stringLength();
        if (length > this.limits.maxKeptStringBytes)
            throw new GgufFormatError(`${what} is ${length} bytes long; the file is damaged`);
        this.charge(STRING_OVERHEAD_BYTES + 2 * length);
        return this.window.take(length).toString("utf8");
    }

    private skipString(): void {
        this.window.skip(this.stringLength());
    }

    private stringLength(): number {
        const length = this.window.u64();
        if (length > this.window.remaining)
            throw new GgufFormatError(`the file is truncated or damaged: a string in its header claims ${length} bytes but only ${this.window.remaining} remain`);
        return length;
    }

    private charge(bytes: number): void {
        this.keptBytes += bytes;
        if (this.keptBytes > this.limits.maxKeptBytes)
            throw new GgufFormatError(
                `its header metadata would take more than ${Math.round(this.limits.maxKeptBytes / (1 << 20))} MB of memory, far more than any model needs`);
    }

    private scalar(type: ScalarType): GgufScalar {
        const w = this.window;
        switch (type) {
            case GgufValueType.Uint8: return w.take(1).readUInt8(0);
            case GgufValueType.Int8: return w.take(1).readInt8(0);
            case GgufValueType.Uint16: return w.take(2).readUInt16LE(0);
            case GgufValueType.Int16: return w.take(2).readInt16LE(0);
            case GgufValueType.Uint32: return w.u32();
            case GgufValueType.Int32: return w.take(4).readInt32LE(0);
            case GgufValueType.Float32: return w.take(4).readFloatLE(0);
            case GgufValueType.Bool: return w.take(1).readUInt8(0) !== 0;
            case GgufValueType.String: return this.keptString("a metadata string");
            case GgufValueType.Uint64: return w.u64();
            case GgufValueType.Int64: return Number(w.take(8).readBigInt64LE(0));
            case GgufValueType.Float64: return w.take(8).readDoubleLE(0);
        }
    }

    private tensorInfo(): GgufTensorInfo {
        const nameLength = this.stringLength();
        if (nameLength > MAX_TENSOR_NAME_BYTES)
            throw new GgufFormatError(`a tensor name is ${nameLength} bytes long (llama.cpp allows ${MAX_TENSOR_NAME_BYTES})`);
        const name = this.window.take(nameLength).toString("utf8");
        const nDims = this.window.u32();
        if (nDims === 0 || nDims > 4)
            throw new GgufFormatError(`the file is damaged: tensor "${name}" has ${nDims} dimensions (1 to 4 are allowed)`);
        const dims: number[] = [];
        for (let d = 0; d < nDims; d++)
            dims.push(this.window.u64());
        const type = this.window.u32();
        const offset = this.window.u64();
        this.charge(STRING_OVERHEAD_BYTES * 4 + 2 * nameLength);
        return {name, dims, type, offset, byteSize: tensorByteSize(type, dims)};
    }
}

function checkScalarType(type: number, key: string): ScalarType {
    if (type > GgufValueType.Float64 || type === GgufValueType.Array)
        throw new GgufFormatError(`metadata key "${key}" has an unknown or nested value type ${type}`);
    return type as ScalarType;
}

function alignmentOf(metadata: ReadonlyMap<string, GgufEntry>): number {
    const entry = metadata.get("general.alignment");
    if (entry == null)
        return DEFAULT_ALIGNMENT;
    if (entry.type !== GgufValueType.Uint32)
        throw new GgufFormatError("general.alignment must be a 32-bit unsigned number, as llama.cpp requires");
    const alignment = entry.value as number;
    if (alignment <= 0 || (alignment & (alignment - 1)) !== 0)
        throw new GgufFormatError(`general.alignment is ${alignment}, which is not a power of two`);
    return alignment;
}

function describeMagic(magic: number): string {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(magic >>> 0);
    const printable = [...head].every((b) => b >= 0x20 && b < 0x7f);
    return printable ? `"${head.toString("latin1")}"` : `bytes ${head.toString("hex")}`;
}
