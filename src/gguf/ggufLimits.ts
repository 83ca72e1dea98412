/**
 * How much of a GGUF header the reader will take on. Every count and length in a header is
 * first checked against the bytes left in the file (a count can never exceed what the rest of
 * the file could hold); these limits bound what is kept in memory and how long reading may take,
 * so a hostile header costs little whichever process reads it.
 */
export interface GgufReadLimits {
    /** Header bytes (metadata and tensor table) past which the file is refused. Default: 512 MB. */
    readonly maxHeaderBytes: number;
    /**
     * Processor time the reading process may spend on one header. Default: 10 s plus 1 s per 64 MB
     * of file, at most 60 s. Processor time, not wall-clock time: on a busy machine a real header
     * takes many times longer by the clock (a 0.5B model's header ran past 17 s at a load average
     * of 12 on 2 cores) while a hostile one burns processor time wherever it runs.
     */
    readonly cpuTimeLimitMs: number;
    /** Wall-clock time for one header, for a file whose bytes never arrive (a stalled network drive). Default: 5 min. */
    readonly wallTimeLimitMs: number;
    /**
     * Estimated memory of the values kept (strings at two bytes a character plus overhead,
     * numbers at eight bytes). Past it the file is refused. Default: 128 MB (the largest real
     * vocabularies, tokens and merges together, come to about 30 MB).
     */
    readonly maxKeptBytes: number;
    /** Strings longer than this are measured, not kept (the value reads as ""). Default: 1 MB. */
    readonly maxKeptStringBytes: number;
    /**
     * Arrays with more items than this are counted, not kept, unless they are tokenizer arrays.
     * Default: 65,536 (per-layer arrays have a few hundred items).
     */
    readonly maxKeptArrayItems: number;
    /** Tokenizer arrays (tokens, merges, scores, ...) are kept up to this many items. Default: 2,097,152 (real ones hold under 300,000). */
    readonly maxKeptTokenizerItems: number;
}

const MB = 1 << 20;

export function defaultGgufReadLimits(fileSize: number): GgufReadLimits {
    return {
        maxHeaderBytes: 512 * MB,
        cpuTimeLimitMs: Math.min(60_000, 10_000 + Math.floor(fileSize / (64 * MB)) * 1000),
        wallTimeLimitMs: 300_000,
        maxKeptBytes: 128 * MB,
        maxKeptStringBytes: MB,
        maxKeptArrayItems: 65_536,
        maxKeptTokenizerItems: 2 * MB
    };
}

/** Tokenizer arrays the core and llama.cpp read whole; they are kept up to `maxKeptTokenizerItems`. */
export function isTokenizerKey(key: string): boolean {
    return key.startsWith("tokenizer.");
}
