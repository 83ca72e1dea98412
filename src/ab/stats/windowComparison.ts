import {comparePosition} from "./logSoftmax";
import type {ReferenceWindowRows} from "./referenceWindow";

/** Per-token results of one candidate against the reference on one window. */
export interface WindowComparison {
    readonly windowIndex: number;
    /** KL(reference ‖ candidate) in nats, per scored position, over the full vocabulary. */
    readonly kld: Float64Array;
    /** 1 where both models' most probable next token is the same. */
    readonly sameTop1: Uint8Array;
    /** −ln p(actual next token), reference and candidate. */
    readonly referenceNll: Float64Array;
    readonly candidateNll: Float64Array;
    /** Candidate minus reference probability of the actual next token. */
    readonly deltaP: Float64Array;
}

/** Compares a candidate with the reference's record of a window position by position, from raw logits. */
export class WindowComparer {
    private readonly result: WindowComparison;
    private next = 0;

    constructor(private readonly reference: ReferenceWindowRows) {
        const n = reference.window.positions;
        this.result = {
            windowIndex: reference.window.windowIndex,
            kld: new Float64Array(n),
            sameTop1: new Uint8Array(n),
            referenceNll: Float64Array.from(reference.window.nll),
            candidateNll: new Float64Array(n),
            deltaP: new Float64Array(n)
        };
    }

    /** The candidate's logits at the next scored position. */
    add(logits: Float32Array): void {
        const i = this.next++;
        const {window, rows} = this.reference;
        if (i >= window.positions)
            throw new RangeError(`window ${window.windowIndex} has only ${window.positions} scored positions`);
        if (logits.length !== window.vocabularySize)
            throw new RangeError(`expected ${window.vocabularySize} logits, got ${logits.length}`);
        const c = comparePosition(logits, {row: rows[i]!, top1: window.top1[i]!, nll: window.nll[i]!}, window.actual[i]!);
        this.result.kld[i] = c.kld;
        this.result.sameTop1[i] = c.sameTop1 ? 1 : 0;
        this.result.candidateNll[i] = c.candidateNll;
        this.result.deltaP[i] = c.deltaP;
    }

    finish(): WindowComparison {
        if (this.next !== this.reference.window.positions)
            throw new RangeError(`the candidate has ${this.next} scored positions on window ${this.reference.window.windowIndex}, the reference ${this.reference.window.positions}`);
        return this.result;
    }
}

/** Compares a candidate's logits on a window with the reference's record of it. */
export function compareWindow(reference: ReferenceWindowRows, candidate: readonly Float32Array[]): WindowComparison {
    const comparer = new WindowComparer(reference);
    for (const logits of candidate)
        comparer.add(logits);
    return comparer.finish();
}
