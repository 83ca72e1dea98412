import type {GgufHeader} from "../../gguf/ggufReader";

/**
 * Bytes a decode step reads from memory: every weight tensor once, except the token embedding,
 * of which only one row is looked up; when the output projection is tied to the embedding
 * (no `output.weight`), the embedding is read in full as the output matrix. The KV cache read
 * at the short context of a tg128 run is small against the weights and left out.
 */
export function decodeBytesPerToken(header: GgufHeader): number {
    let total = 0;
    const tied = !header.tensors.some((t) => t.name === "output.weight");
    for (const tensor of header.tensors) {
        const bytes = tensor.byteSize ?? 0;
        if (tensor.name === "token_embd.weight" && !tied) {
            const rows = tensor.dims[1] ?? 1;
            total += bytes / rows;
        } else {
            total += bytes;
        }
    }
    return total;
}

/** Decode speed against the ceiling memory bandwidth allows. */
export interface DecodeCeiling {
    readonly bytesPerToken: number;
    /** Measured copy bandwidth (bytes read + written per second). */
    readonly bandwidthBytesPerSecond: number;
    /** Tokens per second if every step only streamed the weights at that bandwidth. */
    readonly ceilingTokensPerSecond: number;
    /** Measured decode speed / ceiling (0–1; above 1 means caches hold part of the model). */
    readonly fraction: number;
}

export function decodeCeiling(bytesPerToken: number, bandwidthBytesPerSecond: number, tokensPerSecond: number): DecodeCeiling {
    const ceilingTokensPerSecond = bandwidthBytesPerSecond / bytesPerToken;
    return {bytesPerToken, bandwidthBytesPerSecond, ceilingTokensPerSecond, fraction: tokensPerSecond / ceilingTokensPerSecond};
}
