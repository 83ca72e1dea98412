/** A file that can be the reference or a candidate. */
export interface AbChoice {
    readonly path: string;
    readonly fileName: string;
    readonly fileType: string | undefined | null;
    readonly bitsPerWeight: number;
}

const FULL_PRECISION = ["F32", "BF16", "F16"];

/**
 * The reference an A/B should use: the unquantized file (F32, BF16 or F16, in that order) when
 * one is on disk, else the highest-precision variant, labelled as such so the report does not
 * pass a quantized reference off as the original. Undefined for an empty list.
 */
export function suggestReference<T extends AbChoice>(choices: readonly T[]): {choice: T; label: string} | undefined {
    for (const type of FULL_PRECISION) {
        const found = choices.find((c) => c.fileType?.toUpperCase() === type);
        if (found != null)
            return {choice: found, label: `${type}: the unquantized model`};
    }
    const best = [...choices].sort((a, b) => b.bitsPerWeight - a.bitsPerWeight)[0];
    if (best == null)
        return undefined;
    return {
        choice: best,
        label: `${best.fileType ?? best.fileName}: the highest precision on disk (${best.bitsPerWeight.toFixed(2)} bits per weight; no F16/BF16 file was found, so it is itself quantized)`
    };
}

/** The label for a reference the user picked instead of the suggested one. */
export function referenceLabel(choice: AbChoice, suggested: AbChoice | undefined): string {
    const type = choice.fileType ?? choice.fileName;
    if (FULL_PRECISION.includes((choice.fileType ?? "").toUpperCase()))
        return `${type}: the unquantized model`;
    return suggested != null && suggested.path === choice.path
        ? `${type}: the highest precision on disk`
        : `${type}: chosen as the reference (${choice.bitsPerWeight.toFixed(2)} bits per weight; it is itself quantized)`;
}
