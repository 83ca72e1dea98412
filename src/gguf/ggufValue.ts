/** GGUF metadata value types (`enum gguf_type` in ggml's `gguf.h`). */
export enum GgufValueType {
    Uint8 = 0, Int8 = 1, Uint16 = 2, Int16 = 3, Uint32 = 4, Int32 = 5, Float32 = 6,
    Bool = 7, String = 8, Array = 9, Uint64 = 10, Int64 = 11, Float64 = 12
}

export type GgufScalar = number | boolean | string;

/** One metadata entry with its on-disk type, so a file can be rewritten exactly as it was read. */
export type GgufEntry =
    | { readonly type: Exclude<GgufValueType, GgufValueType.Array>; readonly value: GgufScalar }
    | { readonly type: GgufValueType.Array; readonly itemType: Exclude<GgufValueType, GgufValueType.Array>; readonly value: readonly GgufScalar[] };

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
