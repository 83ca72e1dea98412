import {NotEnoughTextError} from "../runner/abErrors";

/** One evaluation window: `size` tokens evaluated from an empty KV cache. */
export interface TokenWindow {
    /** Position of the window in the token stream (0-based), stable across runs on the same text. */
    readonly index: number;
    readonly tokens: readonly number[];
}

export interface WindowOptions {
    /** Tokens per window (llama-perplexity's `-c`). */
    readonly size: number;
    /** The model's BOS token when its vocabulary asks for one (`add_bos`); undefined otherwise. */
    readonly bos?: number;
}

export const MIN_WINDOW = 16;

/**
 * Cuts a token stream into whole windows the way llama-perplexity does: a BOS token (when the
 * vocabulary adds one) starts the stream, the stream is cut into ⌊n / size⌋ chunks, the rest is
 * dropped, and each chunk's first token is replaced by BOS. Throws NotEnoughTextError when not
 * even one window fits, saying how many tokens are needed.
 */
export function cutWindows(textTokens: readonly number[], options: WindowOptions): TokenWindow[] {
    const size = options.size;
    if (!Number.isInteger(size) || size < MIN_WINDOW)
        throw new RangeError(`a window must be a whole number of at least ${MIN_WINDOW} tokens, not ${size}`);
    const stream = options.bos != null ? [options.bos, ...textTokens] : [...textTokens];
    const count = Math.floor(stream.length / size);
    if (count === 0)
        throw new NotEnoughTextError(stream.length, size);
    const windows: TokenWindow[] = [];
    for (let index = 0; index < count; index++) {
        const tokens = stream.slice(index * size, (index + 1) * size);
        if (options.bos != null)
            tokens[0] = options.bos;
        windows.push({index, tokens});
    }
    return windows;
}

/**
 * The positions whose next-token distribution is scored: the second half of the window, as
 * llama-perplexity scores it, so every prediction has at least size/2 tokens of context.
 * Position i predicts token i + 1, hence the last position scored is size − 2.
 */
export function scoredPositions(size: number): {first: number; last: number; count: number} {
    const first = Math.floor(size / 2);
    const last = size - 2;
    return {first, last, count: last - first + 1};
}
