import {referencePosition, type ReferenceRow} from "./logSoftmax";

/**
 * What the reference contributes to every comparison on one window, besides its log-probability
 * rows (kept on disk, see referenceWindowCodec.ts): small enough to hold for every window.
 */
export interface ReferenceWindow {
    readonly windowIndex: number;
    /** Scored positions (window size − 1 − ⌊size/2⌋). */
    readonly positions: number;
    readonly vocabularySize: number;
    /** Most probable next token at each position (the first of equal logits). */
    readonly top1: Int32Array;
    /** The token that actually comes next. */
    readonly actual: Int32Array;
    /** −ln p(actual next token), in double. */
    readonly nll: Float64Array;
}

/** A reference window with its rows: what the reference pass writes and a comparison reads. */
export interface ReferenceWindowRows {
    readonly window: ReferenceWindow;
    /** One per scored position. */
    readonly rows: readonly ReferenceRow[];
}

/** Collects the reference's record of one window position by position, from raw logits. */
export class ReferenceWindowBuilder {
    private readonly top1: number[] = [];
    private readonly actual: number[] = [];
    private readonly nll: number[] = [];
    private readonly rows: ReferenceRow[] = [];

    constructor(private readonly windowIndex: number, private readonly vocabularySize: number) {}

    /** The logits at the next scored position and the token that actually follows. */
    add(logits: Float32Array, actualNext: number): void {
        if (logits.length !== this.vocabularySize)
            throw new RangeError(`expected ${this.vocabularySize} logits, got ${logits.length}`);
        const position = referencePosition(logits, actualNext);
        this.rows.push(position.row);
        this.top1.push(position.top1);
        this.actual.push(actualNext);
        this.nll.push(position.nll);
    }

    build(): ReferenceWindowRows {
        return {
            window: {
                windowIndex: this.windowIndex, positions: this.rows.length, vocabularySize: this.vocabularySize,
                top1: Int32Array.from(this.top1), actual: Int32Array.from(this.actual), nll: Float64Array.from(this.nll)
            },
            rows: this.rows
        };
    }
}

/** Builds a reference window from the logits at its scored positions. */
export function buildReferenceWindow(windowIndex: number, logits: readonly Float32Array[], actualNext: readonly number[], vocabularySize: number): ReferenceWindowRows {
    if (actualNext.length !== logits.length)
        throw new RangeError(`${logits.length} positions but ${actualNext.length} next tokens`);
    const builder = new ReferenceWindowBuilder(windowIndex, vocabularySize);
    logits.forEach((l, i) => builder.add(l, actualNext[i]!));
    return builder.build();
}
