import type {Reading} from "./hardwareSnapshot";
import {SensorUnavailableError, type SensorSource} from "./sensorSource";

export type SourceMap<M> = {readonly [K in keyof M]: SensorSource<M[K]>};
export type ReadingMap<M> = {readonly [K in keyof M]: Reading<M[K]>};

export interface HardwareSamplerOptions {
    /**
     * How long one sample waits for its sensors. A sensor still running after that is reported
     * with its previous value marked stale, and is not asked again until it answers, so one slow
     * sensor never holds up the others or piles up reads. Default: 250 ms.
     */
    readonly waitMs?: number;
    /** Clock in milliseconds. Default: `Date.now`. */
    readonly now?: () => number;
    /** Told once when a sensor turns itself off after throwing. */
    readonly onDisabled?: (label: string, error: unknown) => void;
}

/**
 * Reads a set of sensors together. Each sensor keeps its own state: a missing sensor is asked
 * once, a sensor that throws is turned off with a note, and a slow one keeps its last value.
 */
export class HardwareSampler<M> {
    private readonly slots: Array<[keyof M, SensorSlot<unknown>]>;
    private readonly waitMs: number;
    private readonly now: () => number;

    constructor(sources: SourceMap<M>, options: HardwareSamplerOptions = {}) {
        this.waitMs = options.waitMs ?? 250;
        this.now = options.now ?? Date.now;
        const onDisabled = options.onDisabled ?? (() => undefined);
        this.slots = (Object.keys(sources) as Array<keyof M>).map((key) =>
            [key, new SensorSlot(sources[key] as SensorSource<unknown>, onDisabled, this.now)]);
    }

    async sample(): Promise<ReadingMap<M>> {
        const now = this.now();
        const running = this.slots.map(([, slot]) => slot.poll(now)).filter((p) => p != null);
        if (running.length > 0)
            await settleWithin(Promise.all(running), this.waitMs);
        const readings: Partial<Record<keyof M, Reading<unknown>>> = {};
        for (const [key, slot] of this.slots)
            readings[key] = slot.current();
        return readings as ReadingMap<M>;
    }

    dispose(): void {
        for (const [, slot] of this.slots)
            slot.dispose();
    }
}

class SensorSlot<T> {
    private reading: Reading<T> = {status: "waiting"};
    private pending: Promise<void> | undefined;
    private lastStartedAt = -Infinity;

    constructor(
        private readonly source: SensorSource<T>,
        private readonly onDisabled: (label: string, error: unknown) => void,
        private readonly now: () => number
    ) {}

    /** Starts a read when one is due and none is running; returns the running read, if any. */
    poll(now: number): Promise<void> | undefined {
        if (this.reading.status === "unavailable" || this.reading.status === "disabled")
            return undefined;
        if (this.pending != null)
            return this.pending;
        if (now - this.lastStartedAt < (this.source.minIntervalMs ?? 0))
            return undefined;
        this.lastStartedAt = now;
        const read = this.read().finally(() => {
            if (this.pending === read)
                this.pending = undefined;
        });
        this.pending = read;
        return read;
    }

    current(): Reading<T> {
        if (this.reading.status === "ok" && this.pending != null)
            return {...this.reading, stale: true};
        return this.reading;
    }

    dispose(): void {
        this.source.dispose?.();
    }

    private async read(): Promise<void> {
        try {
            const value = await this.source.read();
            this.reading = {status: "ok", value, at: this.now(), stale: false};
        } catch (err) {
            if (err instanceof SensorUnavailableError) {
                this.reading = {status: "unavailable", note: err.note};
            } else {
                this.reading = {status: "disabled", note: `${this.source.label} turned off after an error: ${messageOf(err)}`};
                this.onDisabled(this.source.label, err);
            }
            this.source.dispose?.();
        }
    }
}

/** Waits for `work` but no longer than `ms`; `work` keeps running either way. */
async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
    try {
        await Promise.race([work.then(() => undefined, () => undefined), timeout]);
    } finally {
        clearTimeout(timer);
    }
}

function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
