/**
 * Reading llama.cpp's quantization log (`src/llama-quant.cpp` of the bundled release). It is the
 * only progress and diagnosis channel `llama_model_quantize` has.
 */

/** One `[  12/ 291] blk.0.attn_q.weight - [...], type = f16, ...` line. */
export interface TensorLogLine {
    /** 1-based position in llama.cpp's processing order. */
    readonly index: number;
    readonly count: number;
    readonly name: string;
    /** ggml type name the tensor has in the input ("f16"). */
    readonly fromType: string;
    /** Dry run only: the type it would be written as ("q6_K"), or undefined when it stays as is. */
    readonly plannedType: string | undefined;
}

const TENSOR_LINE = /^\[\s*(\d+)\/\s*(\d+)\]\s+(\S+)\s+-\s+\[[^\]]*\],\s+type\s*=\s*(\w+),(.*)$/;
const PLANNED = /->\s*[\d.]+\s*MiB\s*\((\w+)\)/;

export function parseTensorLine(line: string): TensorLogLine | undefined {
    const match = TENSOR_LINE.exec(line.trim());
    if (match == null)
        return undefined;
    return {
        index: Number(match[1]),
        count: Number(match[2]),
        name: match[3]!,
        fromType: match[4]!,
        plannedType: PLANNED.exec(match[5]!)?.[1]
    };
}

/** The reason llama.cpp gave for failing ("failed to quantize: <reason>"), if it gave one. */
export function failureReason(lines: readonly string[]): string | undefined {
    for (let i = lines.length - 1; i >= 0; i--) {
        const at = lines[i]!.indexOf("failed to quantize: ");
        if (at >= 0)
            return lines[i]!.slice(at + "failed to quantize: ".length).trim();
    }
    return undefined;
}

/** llama.cpp's warnings about tensors whose rows do not fit the type ("... -> falling back to q5_0"). */
export function shapeWarnings(lines: readonly string[]): string[] {
    return lines.map((l) => l.trim()).filter((l) => l.startsWith("warning:") && /not divisible by/.test(l));
}

/** A dry run that succeeded, but the real run would stop for lack of an importance matrix. */
export function dryRunNeedsImatrix(lines: readonly string[]): boolean {
    return lines.some((l) => /will require an imatrix/.test(l));
}

/** The write failed in a way that, on a healthy disk, means "no space left". */
export function looksLikeWriteFailure(reason: string): boolean {
    return /iostream|basic_ios|failed to write|No space left|ENOSPC/i.test(reason);
}
