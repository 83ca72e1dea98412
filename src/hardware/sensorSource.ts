/** Where one kind of reading comes from; the sampler decides when to ask and what a failure means. */
export interface SensorSource<T> {
    /** Shown in notes: "GPU", "Battery". */
    readonly label: string;
    /**
     * Fewest milliseconds between two reads. Costly or slow-moving sensors (temperatures, battery)
     * are read less often than the sampling interval. Default: every sample.
     */
    readonly minIntervalMs?: number;
    /** Resolves with the reading; throws SensorUnavailableError when the machine has no such sensor. */
    read(): Promise<T>;
    /** Frees what the source holds open (a child process, a file handle). */
    dispose?(): void;
}

/**
 * Thrown by a source whose sensor this machine lacks or hides. It is not a failure: the panel
 * says "not available on this machine" (or the more precise reason given here) and the sampler
 * stops asking.
 */
export class SensorUnavailableError extends Error {
    override readonly name = "SensorUnavailableError";
    constructor(readonly note = NOT_AVAILABLE) {
        super(note);
    }
}

export const NOT_AVAILABLE = "not available on this machine";
