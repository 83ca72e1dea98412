/** GGUF metadata value types (`enum gguf_type` in ggml's `gguf.h`). */
export enum GgufValueType {
    Uint8 = 0, Int8 = 1, Uint16 = 2, Int16 = 3, Uint32 = 4, Int32 = 5, Float32 = 6,
    Bool = 7, String = 8, Array = 9, Uint64 = 10, Int64 = 11, Float64 = 12
}

export type GgufScalar = number | boolean | string;

/**
 * One metadata entry with its on-disk type, so a file can be rewritten exactly as it was read.
 * The reader keeps values within its limits (ggufLimits.ts): a longer string reads as "" with
 * `omittedBytes` set, a longer array as [] with `omittedItems` set.
 */
export type GgufEntry =
    | { readonly type: Exclude<GgufValueType, GgufValueType.Array>; readonly value: GgufScalar; readonly omittedBytes?: number }
    | {
        readonly type: GgufValueType.Array; readonly itemType: Exclude<GgufValueType, GgufValueType.Array>; readonly value: readonly GgufScalar[];
        readonly omittedItems?: number;
    };

/** Items of an array entry as the file holds them, kept or not. */
export function arrayLength(entry: GgufEntry): number {
    return entry.type === GgufValueType.Array ? entry.omittedItems ?? entry.value.length : 0;
}

/** Bytes one item of a fixed-size type takes on disk; undefined for strings. */
export function scalarByteSize(type: GgufValueType): number | undefined {
    switch (type) {
        case GgufValueType.Uint8: case GgufValueType.Int8: case GgufValueType.Bool: return 1;
        case GgufValueType.Uint16: case GgufValueType.Int16: return 2;
        case GgufValueType.Uint32: case GgufValueType.Int32: case GgufValueType.Float32: return 4;
        case GgufValueType.Uint64: case GgufValueType.Int64: case GgufValueType.Float64: return 8;
        default: return undefined;
    }
}

export function u32(value: number): GgufEntry {
    return {type: GgufValueType.Uint32, value};
}

export function i32(value: number): GgufEntry {
    return {type: GgufValueType.Int32, value};
}

export function f32(value: number): GgufEntry {
    return {type: GgufValueType.Float32, value};
}

export function str(value: string): GgufEntry {
    return {type: GgufValueType.String, value};
}

export function bool(value: boolean): GgufEntry {
    return {type: GgufValueType.Bool, value};
}

export function stringArray(value: readonly string[]): GgufEntry {
    return {type: GgufValueType.Array, itemType: GgufValueType.String, value};
}

export function i32Array(value: readonly number[]): GgufEntry {
    return {type: GgufValueType.Array, itemType: GgufValueType.Int32, value};
}

export function f32Array(value: readonly number[]): GgufEntry {
    return {type: GgufValueType.Array, itemType: GgufValueType.Float32, value};
}
