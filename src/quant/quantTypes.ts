/**
 * The quantization types QuantPilot can produce: the names `llama-quantize` of the release that
 * node-llama-cpp 3.21.1 ships accepts (its `QUANT_OPTIONS`, without COPY), with their
 * `enum llama_ftype` values from that release's `include/llama.h`.
 */
export interface QuantType {
    /** Canonical name, as llama-quantize prints it ("Q4_K_M"). */
    readonly name: string;
    /** `enum llama_ftype` value passed to `llama_model_quantize`. */
    readonly ftype: number;
    /** Rough bits per weight of a 7B-class model, for menus; real files are measured, not looked up. */
    readonly approxBitsPerWeight: number;
    /**
     * The type's main tensor type needs an importance matrix (llama.cpp refuses without one).
     * llama.cpp's dry run is the final word; this lets menus leave the type out up front.
     */
    readonly needsImatrix: boolean;
    /** A type most users should pick from: the k-quants, Q8_0 and the imatrix-free IQ4 types. */
    readonly common: boolean;
}

const TYPES: readonly QuantType[] = [
    t("F32", 0, 32, false, false), t("F16", 1, 16, false, false), t("BF16", 32, 16, false, false),
    t("Q8_0", 7, 8.5, false, true), t("Q6_K", 18, 6.56, false, true),
    t("Q5_K_M", 17, 5.69, false, true), t("Q5_K_S", 16, 5.54, false, false),
    t("Q5_1", 9, 6, false, false), t("Q5_0", 8, 5.5, false, false),
    t("Q4_K_M", 15, 4.89, false, true), t("Q4_K_S", 14, 4.58, false, true),
    t("Q4_1", 3, 5, false, false), t("Q4_0", 2, 4.5, false, true),
    t("IQ4_NL", 25, 4.5, false, true), t("IQ4_XS", 30, 4.25, false, true),
    t("Q3_K_L", 13, 4.27, false, false), t("Q3_K_M", 12, 3.91, false, true), t("Q3_K_S", 11, 3.5, false, false),
    t("IQ3_M", 27, 3.66, false, false), t("IQ3_S", 26, 3.44, false, false), t("IQ3_XS", 22, 3.3, false, false),
    t("IQ3_XXS", 23, 3.06, true, false),
    t("Q2_K", 10, 3.35, false, true), t("Q2_K_S", 21, 2.96, true, false),
    t("IQ2_M", 29, 2.7, true, false), t("IQ2_S", 28, 2.5, true, false),
    t("IQ2_XS", 20, 2.31, true, false), t("IQ2_XXS", 19, 2.06, true, false),
    t("IQ1_M", 31, 1.75, true, false), t("IQ1_S", 24, 1.56, true, false),
    t("TQ2_0", 37, 2.06, false, false), t("TQ1_0", 36, 1.69, false, false),
    t("Q2_0", 41, 2.25, false, false), t("Q1_0", 40, 1.125, false, false),
    t("MXFP4_MOE", 38, 4.25, false, false)
];

/** llama-quantize's aliases. */
const ALIASES: ReadonlyMap<string, string> = new Map([["Q3_K", "Q3_K_M"], ["Q4_K", "Q4_K_M"], ["Q5_K", "Q5_K_M"]]);

function t(name: string, ftype: number, approxBitsPerWeight: number, needsImatrix: boolean, common: boolean): QuantType {
    return {name, ftype, approxBitsPerWeight, needsImatrix, common};
}

/** The type with this name (any case, aliases allowed), or undefined. */
export function findQuantType(name: string): QuantType | undefined {
    const upper = name.trim().toUpperCase();
    const canonical = ALIASES.get(upper) ?? upper;
    return TYPES.find((type) => type.name === canonical);
}

/** Every type, most bits first. */
export function allQuantTypes(): readonly QuantType[] {
    return TYPES;
}

/** Types QuantPilot offers in menus: no importance matrix needed, most bits first. */
export function offeredQuantTypes(): readonly QuantType[] {
    return TYPES.filter((type) => !type.needsImatrix);
}
