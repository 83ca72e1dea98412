/**
 * Tensor element types of the ggml release that node-llama-cpp 3.21.1 ships (`ggml/include/ggml.h`).
 * Sizes are per block: a tensor row of `n` elements takes `n / blockSize * bytesPerBlock` bytes.
 */
export interface GgmlTypeInfo {
    readonly id: number;
    readonly name: string;
    readonly blockSize: number;
    readonly bytesPerBlock: number;
}

const table: ReadonlyArray<readonly [number, string, number, number]> = [
    [0, "F32", 1, 4], [1, "F16", 1, 2], [2, "Q4_0", 32, 18], [3, "Q4_1", 32, 20],
    [6, "Q5_0", 32, 22], [7, "Q5_1", 32, 24], [8, "Q8_0", 32, 34], [9, "Q8_1", 32, 36],
    [10, "Q2_K", 256, 84], [11, "Q3_K", 256, 110], [12, "Q4_K", 256, 144], [13, "Q5_K", 256, 176],
    [14, "Q6_K", 256, 210], [15, "Q8_K", 256, 292], [16, "IQ2_XXS", 256, 66], [17, "IQ2_XS", 256, 74],
    [18, "IQ3_XXS", 256, 98], [19, "IQ1_S", 256, 50], [20, "IQ4_NL", 32, 18], [21, "IQ3_S", 256, 110],
    [22, "IQ2_S", 256, 82], [23, "IQ4_XS", 256, 136], [24, "I8", 1, 1], [25, "I16", 1, 2],
    [26, "I32", 1, 4], [27, "I64", 1, 8], [28, "F64", 1, 8], [29, "IQ1_M", 256, 56],
    [30, "BF16", 1, 2], [34, "TQ1_0", 256, 54], [35, "TQ2_0", 256, 66], [39, "MXFP4", 32, 17],
    [40, "NVFP4", 64, 36], [41, "Q1_0", 128, 18], [42, "Q2_0", 64, 18]
];

const byId = new Map<number, GgmlTypeInfo>(
    table.map(([id, name, blockSize, bytesPerBlock]) => [id, {id, name, blockSize, bytesPerBlock}])
);

export const GGML_TYPE_F32 = 0;
export const GGML_TYPE_F16 = 1;

export function ggmlTypeInfo(id: number): GgmlTypeInfo | undefined {
    return byId.get(id);
}

/** Bytes a tensor of this type and shape occupies, or undefined when the type is unknown or the row is not whole blocks. */
export function tensorByteSize(typeId: number, dims: readonly number[]): number | undefined {
    const info = byId.get(typeId);
    if (info == null || dims.length === 0)
        return undefined;
    const rowLength = dims[0]!;
    if (rowLength % info.blockSize !== 0)
        return undefined;
    const rows = dims.slice(1).reduce((a, b) => a * b, 1);
    return (rowLength / info.blockSize) * info.bytesPerBlock * rows;
}

/**
 * `general.file_type` values (`enum llama_ftype` in `include/llama.h` of the same release), the
 * names llama-quantize accepts. Bits per weight are computed from the file, not from this table.
 */
const fileTypeNames = new Map<number, string>([
    [0, "F32"], [1, "F16"], [2, "Q4_0"], [3, "Q4_1"], [7, "Q8_0"], [8, "Q5_0"], [9, "Q5_1"],
    [10, "Q2_K"], [11, "Q3_K_S"], [12, "Q3_K_M"], [13, "Q3_K_L"], [14, "Q4_K_S"], [15, "Q4_K_M"],
    [16, "Q5_K_S"], [17, "Q5_K_M"], [18, "Q6_K"], [19, "IQ2_XXS"], [20, "IQ2_XS"], [21, "Q2_K_S"],
    [22, "IQ3_XS"], [23, "IQ3_XXS"], [24, "IQ1_S"], [25, "IQ4_NL"], [26, "IQ3_S"], [27, "IQ3_M"],
    [28, "IQ2_S"], [29, "IQ2_M"], [30, "IQ4_XS"], [31, "IQ1_M"], [32, "BF16"], [36, "TQ1_0"],
    [37, "TQ2_0"], [38, "MXFP4_MOE"], [39, "NVFP4"], [40, "Q1_0"], [41, "Q2_0"]
]);

export function fileTypeName(fileType: number | undefined): string | undefined {
    if (fileType == null)
        return undefined;
    // Bit 10 (LLAMA_FTYPE_GUESSED) marks a type llama.cpp inferred rather than read.
    return fileTypeNames.get(fileType & ~1024);
}

export function fileTypeByName(name: string): number | undefined {
    const wanted = name.toUpperCase();
    for (const [id, typeName] of fileTypeNames)
        if (typeName === wanted)
            return id;
    return undefined;
}

export function allFileTypeNames(): string[] {
    return [...fileTypeNames.values()];
}
