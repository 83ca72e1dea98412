/** Bytes each buffer of the copy benchmark holds: far beyond any CPU cache. */
const BUFFER_BYTES = 128 * 1024 * 1024;
const REPETITIONS = 5;

let measured: Promise<number> | undefined;

/**
 * Memory bandwidth from a simple copy (memcpy through Buffer.copy) of a buffer far larger than
 * the caches: (bytes read + bytes written) / seconds, best of 5. One thread, like a decode step
 * on one core; with more threads the machine's ceiling is higher. Measured once per process.
 */
export function copyBandwidth(): Promise<number> {
    measured ??= Promise.resolve().then(measure);
    return measured;
}

function measure(): number {
    const source = Buffer.alloc(BUFFER_BYTES, 1);
    const target = Buffer.alloc(BUFFER_BYTES, 0);
    source.copy(target);
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < REPETITIONS; i++) {
        const started = performance.now();
        source.copy(target);
        best = Math.min(best, (performance.now() - started) / 1000);
    }
    return (2 * BUFFER_BYTES) / best;
}
