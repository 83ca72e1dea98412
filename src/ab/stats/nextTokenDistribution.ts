/**
 * One full next-token distribution as the scorer returns it: every token of the vocabulary,
 * sorted from the most to the least probable. Probabilities are llama.cpp's raw softmax of the
 * logits (temperature 1, nothing truncated), as float32 values.
 */
export interface NextTokenDistribution {
    readonly ids: Int32Array;
    readonly probs: Float32Array;
}

/**
 * The most probable token; on an exact tie the lowest id, as llama-perplexity picks it (its
 * own scan keeps the first maximum).
 */
export function topToken(d: NextTokenDistribution): number {
    const best = d.probs[0]!;
    let id = d.ids[0]!;
    for (let i = 1; i < d.ids.length && d.probs[i] === best; i++)
        id = Math.min(id, d.ids[i]!);
    return id;
}

/** The distribution as a dense array indexed by token id (reusing `into` when it is large enough). */
export function denseProbabilities(d: NextTokenDistribution, vocabularySize: number, into?: Float32Array): Float32Array {
    const dense = into != null && into.length === vocabularySize ? into : new Float32Array(vocabularySize);
    dense.fill(0);
    for (let i = 0; i < d.ids.length; i++)
        dense[d.ids[i]!] = d.probs[i]!;
    return dense;
}
