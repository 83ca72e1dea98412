import type {ReferenceRow} from "../stats/logSoftmax";
import type {ReferenceWindow, ReferenceWindowRows} from "../stats/referenceWindow";

const MAGIC = "QPREFW03";
const HEADER_BYTES = 32;
const DENSE = -1;

/** A reference window with the seconds its evaluation took (so a budget counts cached windows the same). */
export interface StoredReferenceWindow {
    readonly window: ReferenceWindow;
    readonly evaluationSeconds: number;
}

/**
 * Binary form of a reference window, little-endian, every array 4-byte aligned:
 * a 32-byte header (magic, window index, positions, vocabulary size, evaluation seconds), then
 * the summary (nll f64, top1 i32, actual i32) and the rows (log-sum-exp f64 and length i32 per
 * row, −1 for a dense one; then each row's ids u32 if sparse and logits f32). The summary comes
 * first so the run can read it without the rows, which only a comparison needs.
 */
export function encodeReferenceWindow(stored: StoredReferenceWindow, rows: readonly ReferenceRow[]): Buffer {
    const w = stored.window;
    if (rows.length !== w.positions)
        throw new RangeError(`${rows.length} rows for ${w.positions} positions`);
    const header = Buffer.alloc(HEADER_BYTES);
    header.write(MAGIC, 0, "latin1");
    header.writeUInt32LE(w.windowIndex, 8);
    header.writeUInt32LE(w.positions, 12);
    header.writeUInt32LE(w.vocabularySize, 16);
    header.writeDoubleLE(stored.evaluationSeconds, 24);
    const logSumExp = Float64Array.from(rows, (r) => r.logSumExp);
    const lengths = Int32Array.from(rows, (r) => r.ids == null ? DENSE : r.ids.length);
    const parts: ArrayBufferView[] = [header, w.nll, logSumExp, w.top1, w.actual, lengths];
    for (const row of rows) {
        if (row.ids != null)
            parts.push(row.ids);
        parts.push(row.logits);
    }
    return Buffer.concat(parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
}

/** Bytes of the header and summary of a window with this many positions. */
export function summaryBytes(positions: number): number {
    return HEADER_BYTES + positions * (8 + 8 + 4 + 4 + 4);
}

/** Positions a window file holds, from its first 32 bytes; undefined when they are not a header. */
export function positionsOf(header: Buffer): number | undefined {
    return header.length >= HEADER_BYTES && header.toString("latin1", 0, 8) === MAGIC ? header.readUInt32LE(12) : undefined;
}

/**
 * The summary of a window file from its leading bytes, checked against the file's total size
 * (a truncated or foreign file is undefined: a cache miss, never an error).
 */
export function decodeReferenceSummary(bytes: Buffer, fileSize: number): StoredReferenceWindow | undefined {
    const positions = positionsOf(bytes);
    if (positions == null || bytes.length < summaryBytes(positions))
        return undefined;
    const vocabularySize = bytes.readUInt32LE(16);
    let at = HEADER_BYTES;
    const take = <T>(make: (b: ArrayBuffer) => T, size: number): T => {
        // Copied into a fresh ArrayBuffer: typed arrays need aligned offsets, Buffer slices may not be.
        const copy = new Uint8Array(bytes.subarray(at, at + positions * size)).buffer;
        at += positions * size;
        return make(copy);
    };
    const nll = take((b) => new Float64Array(b), 8);
    at += positions * 8; // the rows' log-sum-exp, read with the rows
    const top1 = take((b) => new Int32Array(b), 4);
    const actual = take((b) => new Int32Array(b), 4);
    const lengths = take((b) => new Int32Array(b), 4);
    let expected = summaryBytes(positions);
    for (const length of lengths)
        expected += length === DENSE ? vocabularySize * 4 : length * 8;
    if (expected !== fileSize || lengths.some((l) => l < DENSE || l > vocabularySize))
        return undefined;
    return {
        window: {windowIndex: bytes.readUInt32LE(8), positions, vocabularySize, top1, actual, nll},
        evaluationSeconds: bytes.readDoubleLE(24)
    };
}

/** The whole window, rows included; undefined when the bytes are not a complete window of this format. */
export function decodeReferenceWindow(bytes: Buffer): (StoredReferenceWindow & ReferenceWindowRows) | undefined {
    const stored = decodeReferenceSummary(bytes, bytes.length);
    if (stored == null)
        return undefined;
    const {positions, vocabularySize} = stored.window;
    const end = summaryBytes(positions);
    const lengths = new Int32Array(new Uint8Array(bytes.subarray(end - positions * 4, end)).buffer);
    const logSumExp = new Float64Array(new Uint8Array(bytes.subarray(HEADER_BYTES + positions * 8, HEADER_BYTES + positions * 16)).buffer);
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
    let at = aligned.byteOffset + summaryBytes(positions);
    const rows: ReferenceRow[] = [];
    lengths.forEach((length, i) => {
        const count = length === DENSE ? vocabularySize : length;
        const ids = length === DENSE ? null : new Uint32Array(aligned.buffer, at, count);
        if (ids != null)
            at += count * 4;
        rows.push({ids, logits: new Float32Array(aligned.buffer, at, count), logSumExp: logSumExp[i]!});
        at += count * 4;
    });
    return {...stored, rows};
}
