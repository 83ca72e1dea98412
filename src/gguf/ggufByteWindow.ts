import type {FileHandle} from "node:fs/promises";
import {GgufFormatError} from "./ggufFormatError";

/** Bytes read per step: parsing one step takes milliseconds, then the event loop gets a turn. */
const CHUNK_BYTES = 256 << 10;

/** Thrown by a read that runs past the bytes in memory; the reader fills the window and retries. */
export class NeedMoreBytes extends Error {
    constructor(readonly end: number) {
        super("need more bytes");
    }
}

/**
 * A moving window over a GGUF file: reads are synchronous over the bytes in memory and throw
 * `NeedMoreBytes` past them, so the parser can re-run one item after `fill()` has read the next
 * chunk. Only the bytes from the item being read onwards are kept, so memory stays at about one
 * chunk (or one long string) whatever the header's size.
 */
export class ByteWindow {
    /** Absolute file offset of the next byte to read. */
    position = 0;
    private buffer: Buffer;
    /** Absolute file offset of `buffer[0]`. */
    private base = 0;
    private valid = 0;

    private constructor(
        private readonly handle: FileHandle | undefined,
        initial: Buffer,
        /** Bytes in the file (or buffer). */
        readonly size: number,
        /** Bytes past which a header is refused. */
        private readonly maxHeaderBytes: number
    ) {
        this.buffer = initial;
        this.valid = initial.length;
    }

    static overFile(handle: FileHandle, size: number, maxHeaderBytes: number): ByteWindow {
        return new ByteWindow(handle, Buffer.alloc(0), size, maxHeaderBytes);
    }

    static overBuffer(buffer: Buffer, maxHeaderBytes: number): ByteWindow {
        return new ByteWindow(undefined, buffer, buffer.length, maxHeaderBytes);
    }

    /** Bytes after the read position: no count or length in the header can exceed what they hold. */
    get remaining(): number {
        return this.size - this.position;
    }

    take(length: number): Buffer {
        const start = this.position - this.base;
        if (start < 0 || start + length > this.valid)
            throw new NeedMoreBytes(this.position + length);
        this.position += length;
        return this.buffer.subarray(start, start + length);
    }

    /** Moves past `length` bytes without reading them (skipped values are never read from disk). */
    skip(length: number): void {
        if (length > this.remaining)
            throw truncated(this.size);
        this.position += length;
    }

    u32(): number {
        const start = this.position - this.base;
        if (start < 0 || start + 4 > this.valid)
            throw new NeedMoreBytes(this.position + 4);
        this.position += 4;
        return this.buffer.readUInt32LE(start);
    }

    /** 64-bit counts and sizes; anything past 2^53 cannot be a real file's and means corruption. */
    u64(): number {
        const start = this.position - this.base;
        if (start < 0 || start + 8 > this.valid)
            throw new NeedMoreBytes(this.position + 8);
        this.position += 8;
        const value = this.buffer.readBigUInt64LE(start);
        if (value > BigInt(Number.MAX_SAFE_INTEGER))
            throw new GgufFormatError("a 64-bit size in the header is impossibly large; the file is damaged");
        return Number(value);
    }

    /**
     * Makes the bytes from the read position up to `end` available, reading at least one chunk.
     * Refuses to go past the end of the file or past the header size limit.
     */
    async fill(end: number): Promise<void> {
        if (end > this.size)
            throw truncated(this.size);
        if (end > this.maxHeaderBytes)
            throw new GgufFormatError(`the GGUF header is larger than ${Math.round(this.maxHeaderBytes / (1 << 20))} MB, so the file is damaged`);
        if (this.handle == null)
            throw truncated(this.size);
        const from = this.position;
        const to = Math.min(this.size, this.maxHeaderBytes, Math.max(end, from + CHUNK_BYTES));
        const next = Buffer.allocUnsafe(to - from);
        const keptStart = from - this.base;
        const kept = keptStart >= 0 && keptStart < this.valid ? this.buffer.subarray(keptStart, this.valid) : Buffer.alloc(0);
        kept.copy(next, 0);
        let filled = kept.length;
        while (filled < next.length) {
            const {bytesRead} = await this.handle.read(next, filled, next.length - filled, from + filled);
            if (bytesRead === 0)
                throw truncated(from + filled);
            filled += bytesRead;
        }
        this.buffer = next;
        this.base = from;
        this.valid = filled;
    }
}

function truncated(size: number): GgufFormatError {
    return new GgufFormatError(`the file is truncated: its ${size} bytes end inside the GGUF header`);
}
