/**
 * GPT-2's byte-to-character table: every byte gets a printable character so byte-level BPE
 * vocabularies can be stored as strings. Printable Latin-1 bytes map to themselves, the rest to
 * code points from U+0100 upwards, in byte order.
 */
export function byteToUnicodeTable(): string[] {
    const table: string[] = new Array(256);
    let next = 256;
    for (let byte = 0; byte < 256; byte++) {
        const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
        table[byte] = String.fromCodePoint(printable ? byte : next++);
    }
    return table;
}

// Close to the GPT-2 pre-tokenizer: contractions, letter runs, digit runs, punctuation runs, spaces.
const PRE_TOKENIZE = /'(?:s|t|re|ve|m|ll|d)| ?\p{L}+| ?\p{N}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface TrainedBpe {
    /** Tokens in id order: the 256 byte tokens, then one per merge. */
    readonly tokens: string[];
    /** Merges in priority order, "left right". */
    readonly merges: string[];
}

/**
 * Learns `mergeCount` byte-level BPE merges from `corpus`. Ties between equally frequent pairs
 * are broken by the pair's text, so training is deterministic.
 */
export function trainByteLevelBpe(corpus: string, mergeCount: number): TrainedBpe {
    const byteChars = byteToUnicodeTable();
    const words = new Map<string, {symbols: string[]; count: number}>();
    for (const piece of corpus.match(PRE_TOKENIZE) ?? []) {
        const key = [...Buffer.from(piece, "utf8")].map((b) => byteChars[b]!).join("");
        const word = words.get(key) ?? {symbols: [...key], count: 0};
        word.count++;
        words.set(key, word);
    }
    const tokens = [...byteChars];
    const known = new Set(tokens);
    const merges: string[] = [];
    while (merges.length < mergeCount) {
        const best = mostFrequentPair(words.values());
        if (best == null)
            break;
        const [left, right] = best;
        const merged = left + right;
        merges.push(`${left} ${right}`);
        if (!known.has(merged)) {
            known.add(merged);
            tokens.push(merged);
        }
        for (const word of words.values())
            word.symbols = applyMerge(word.symbols, left, right);
    }
    return {tokens, merges};
}

function mostFrequentPair(words: Iterable<{symbols: string[]; count: number}>): [string, string] | undefined {
    const counts = new Map<string, number>();
    for (const {symbols, count} of words)
        for (let i = 0; i + 1 < symbols.length; i++) {
            const key = symbols[i] + "\u0000" + symbols[i + 1];
            counts.set(key, (counts.get(key) ?? 0) + count);
        }
    let bestKey: string | undefined;
    let bestCount = 1; // a pair seen once is not worth a token
    for (const [key, count] of counts)
        if (count > bestCount || (count === bestCount && bestKey != null && key < bestKey)) {
            bestKey = key;
            bestCount = count;
        }
    return bestKey == null ? undefined : (bestKey.split("\u0000") as [string, string]);
}

function applyMerge(symbols: string[], left: string, right: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
            out.push(left + right);
            i++;
        } else
            out.push(symbols[i]!);
    }
    return out;
}

/** Bytes a byte-level token stands for, or undefined for tokens that are not byte-level text. */
export function byteLevelTokenBytes(token: string, charToByte: ReadonlyMap<string, number>): number[] | undefined {
    const bytes: number[] = [];
    for (const ch of token) {
        const byte = charToByte.get(ch);
        if (byte == null)
            return undefined;
        bytes.push(byte);
    }
    return bytes;
}
