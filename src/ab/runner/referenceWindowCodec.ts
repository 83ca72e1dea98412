import type {ReferenceWindow} from "../stats/referenceWindow";

const MAGIC = "QPREFW01";

/** A reference window with the seconds its evaluation took (so a budget counts cached windows the same). */
export interface StoredReferenceWindow {
    readonly window: ReferenceWindow;
    readonly evaluationSeconds: number;
}

/** Binary form of a reference window: a fixed header, then each typed array as is (little-endian). */
export function encodeReferenceWindow(stored: StoredReferenceWindow): Buffer {
    const w = stored.window;
    const header = Buffer.alloc(32);
    header.write(MAGIC, 0, "latin1");
    header.writeUInt32LE(w.windowIndex, 8);
    header.writeUInt32LE(w.positions, 12);
    header.writeUInt32LE(w.vocabularySize, 16);
    header.writeUInt32LE(w.ids.length, 20);
    header.writeDoubleLE(stored.evaluationSeconds, 24);
    const parts = [w.tailMass, w.top1, w.actual, w.actualProb, w.offsets, w.ids, w.probs];
    return Buffer.concat([header, ...parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))]);
}

/** Undefined when the bytes are not a complete window of this format (a stale or damaged cache file). */
export function decodeReferenceWindow(bytes: Buffer): StoredReferenceWindow | undefined {
    if (bytes.length < 32 || bytes.toString("latin1", 0, 8) !== MAGIC)
        return undefined;
    const windowIndex = bytes.readUInt32LE(8);
    const positions = bytes.readUInt32LE(12);
    const vocabularySize = bytes.readUInt32LE(16);
    const kept = bytes.readUInt32LE(20);
    const evaluationSeconds = bytes.readDoubleLE(24);
    const expected = 32 + positions * (8 + 4 + 4 + 4) + (positions + 1) * 4 + kept * 8;
    if (bytes.length !== expected)
        return undefined;
    let at = 32;
    const take = <T>(make: (b: ArrayBuffer) => T, length: number, size: number): T => {
        // Copied into a fresh ArrayBuffer: typed arrays need aligned offsets, Buffer slices may not be.
        const copy = new Uint8Array(bytes.subarray(at, at + length * size)).buffer;
        at += length * size;
        return make(copy);
    };
    const tailMass = take((b) => new Float64Array(b), positions, 8);
    const top1 = take((b) => new Int32Array(b), positions, 4);
    const actual = take((b) => new Int32Array(b), positions, 4);
    const actualProb = take((b) => new Float32Array(b), positions, 4);
    const offsets = take((b) => new Uint32Array(b), positions + 1, 4);
    const ids = take((b) => new Int32Array(b), kept, 4);
    const probs = take((b) => new Float32Array(b), kept, 4);
    return {window: {windowIndex, positions, vocabularySize, top1, actual, actualProb, tailMass, offsets, ids, probs}, evaluationSeconds};
}
