/**
 * A small, fast, seedable generator (SFC32 seeded through SplitMix32). Each tensor gets its own
 * stream derived from (seed, stream id), so a tensor's values do not depend on the order in
 * which tensors are written and the same seed always gives a byte-identical model.
 */
export class SeededRandom {
    private a: number;
    private b: number;
    private c: number;
    private d: number;

    constructor(seed: number, stream = 0) {
        let state = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
        const next = () => {
            state = (state + 0x9e3779b9) >>> 0;
            let z = state;
            z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
            z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
            return (z ^ (z >>> 16)) >>> 0;
        };
        this.a = next();
        this.b = next();
        this.c = next();
        this.d = next();
        for (let i = 0; i < 12; i++)
            this.nextUint32();
    }

    nextUint32(): number {
        const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
        this.d = (this.d + 1) >>> 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) >>> 0;
        this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
        this.c = (this.c + t) >>> 0;
        return t;
    }

    /** Shuffles `items` in place (Fisher–Yates); the same generator state gives the same order. */
    shuffle<T>(items: T[]): T[] {
        for (let i = items.length - 1; i > 0; i--) {
            const j = this.nextUint32() % (i + 1);
            [items[i], items[j]] = [items[j]!, items[i]!];
        }
        return items;
    }

    /** Uniform in [-1, 1). */
    nextSigned(): number {
        return this.nextUint32() / 2147483648 - 1;
    }
}

/** A stable 32-bit id for a string, used to derive per-tensor streams from tensor names. */
export function hashString(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++)
        hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return hash >>> 0;
}
