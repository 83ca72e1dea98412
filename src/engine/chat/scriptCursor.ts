/**
 * Where a scripted generation stands, read from the tail of the context. Used only by the
 * scripted token bias (a test seam): it lets tests and the end-to-end harness make a random-weight
 * model produce an exact reply, tool calls included, through the real tokenizer, call detection
 * and grammar.
 *
 * Why this is not a plain counter: when the bias is asked for the next token, the context does
 * not yet hold the token sampled just before (it is still being decoded), and node-llama-cpp
 * itself inserts text the model did not sample (the parameters prefix after a function name)
 * and rewrites the end of a finished call. So each step aligns the context's tail with the
 * script and decides what is still in flight.
 */
export class ScriptCursor {
    private last: {readonly start: number; readonly text: string} | undefined;

    constructor(
        readonly script: string,
        /** The text of the first token the tokenizer makes of `rest`. */
        private readonly firstTokenText: (rest: string) => string
    ) {}

    /**
     * The script positions a next token may start at, given the context's tail text: one when
     * the state is clear, two when text was inserted for the model and it is unknown whether a
     * sampled token is still in flight (the grammar then admits only one of them).
     */
    next(contextTail: string): number[] {
        const positions = this.positions(contextTail).filter((p) => p < this.script.length);
        const start = positions[0] ?? this.script.length;
        this.last = {start, text: start < this.script.length ? this.firstTokenText(this.script.slice(start)) : ""};
        return positions;
    }

    private positions(contextTail: string): number[] {
        const last = this.last;
        if (last == null)
            return [0]; // the first sample of a reply: nothing generated yet
        const afterLast = last.start + last.text.length;
        const end = alignContext(contextTail, this.script, last.start);
        // No alignment means the context was rewritten (a finished call is re-rendered): trust
        // that the token asked for last was taken.
        if (end == null || end === last.start)
            return [afterLast]; // our last token is still being decoded
        // The context moved past our last token (text was inserted for the model): one sampled
        // token, the script's next one, is in flight.
        return [end >= this.script.length ? end : end + this.firstTokenText(this.script.slice(end)).length];
    }
}

/** The least overlap that counts as a match, to rule out chance matches of a character or two. */
const MIN_OVERLAP = 4;

/**
 * The script position the context's tail ends at, at or after `from` (where the last scripted
 * token started): the tail must hold all of the script between `from` and that position, and more
 * than a character or two. The longest such match wins; undefined when none fits.
 */
export function alignContext(tail: string, script: string, from: number): number | undefined {
    let best: {end: number; length: number} | undefined;
    for (let end = from; end <= script.length; end++) {
        const length = commonSuffixLength(tail, script, end);
        if (length >= end - from && length >= Math.min(end, MIN_OVERLAP) && (best == null || length > best.length))
            best = {end, length};
    }
    return best?.end;
}

function commonSuffixLength(tail: string, script: string, end: number): number {
    let n = 0;
    while (n < tail.length && n < end && tail[tail.length - 1 - n] === script[end - 1 - n])
        n++;
    return n;
}
