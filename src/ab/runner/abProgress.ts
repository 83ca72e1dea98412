import type {AbMetric} from "../report/abReport";

/** Progress of a run: a message for people, the share done (0–1) and how long is left. */
export interface AbProgress {
    readonly message: string;
    readonly fraction: number;
    /**
     * Seconds left, extrapolated from the time the work done so far took (per window, and so per
     * token, in the quality phase); null until something has been measured.
     */
    readonly secondsLeft: number | null;
    /** False while some asked-for metric has not started, so `secondsLeft` is only a lower bound. */
    readonly complete: boolean;
}

interface PhaseClock {
    /** Seconds of work attributed to the phase so far. */
    seconds: number;
    /** Share of the phase done (0–1) and, of it, the share that took no time (cached reference windows). */
    done: number;
    free: number;
}

/**
 * Turns "model m, item i of n in phase p" into one fraction that only moves forward (each enabled
 * metric an equal share; quality and tasks split theirs over the models) and into an estimate of
 * the time left: each phase's remaining share at the pace its measured share went, the time
 * between two reports counted to the phase of the later one (model loads included).
 */
export class AbProgressReporter {
    private last = 0;
    private lastAt: number;
    private readonly phases = new Map<AbMetric, PhaseClock>();

    constructor(
        private readonly metrics: readonly AbMetric[],
        private readonly models: number,
        private readonly report: ((progress: AbProgress) => void) | undefined,
        private readonly now: () => number = () => performance.now()
    ) {
        this.lastAt = now();
    }

    note(message: string): void {
        this.emit(message, this.last);
    }

    /** Item `done` of `total` of `model` finished; `cached` when it was read, not computed. */
    step(phase: AbMetric, model: number, done: number, total: number, message: string, cached = false): void {
        const index = this.metrics.indexOf(phase);
        const within = phase === "speed" ? done / Math.max(1, total) : (model + done / Math.max(1, total)) / this.models;
        this.clock(phase, within, cached);
        this.emit(message, (Math.max(0, index) + within) / Math.max(1, this.metrics.length));
    }

    done(): void {
        this.last = 1;
        this.report?.({message: "Done", fraction: 1, secondsLeft: 0, complete: true});
    }

    private clock(phase: AbMetric, within: number, cached: boolean): void {
        const now = this.now();
        const clock = this.phases.get(phase) ?? {seconds: 0, done: 0, free: 0};
        const step = Math.max(0, within - clock.done);
        clock.seconds += (now - this.lastAt) / 1000;
        clock.free += cached ? step : 0;
        clock.done = Math.max(clock.done, within);
        this.phases.set(phase, clock);
        this.lastAt = now;
    }

    /** The phases' remaining shares at their measured pace; null while none has a measured share. */
    private secondsLeft(): number | null {
        let left: number | null = null;
        for (const clock of this.phases.values()) {
            const paced = clock.done - clock.free;
            if (paced > 0 && clock.seconds > 0)
                left = (left ?? 0) + clock.seconds / paced * (1 - clock.done);
        }
        return left;
    }

    private emit(message: string, fraction: number): void {
        this.last = Math.max(this.last, Math.min(1, fraction));
        this.report?.({message, fraction: this.last, secondsLeft: this.secondsLeft(), complete: this.metrics.every((m) => this.phases.has(m))});
    }
}

/** "about 40 s left", "about 3 min left", "more than 1 h 5 min left" (a lower bound while phases are still to come); undefined until measured. */
export function timeLeftText(progress: Pick<AbProgress, "secondsLeft" | "complete">): string | undefined {
    const s = progress.secondsLeft;
    if (s == null)
        return undefined;
    if (s < 10)
        return progress.complete ? "less than 10 s left" : "more than a few seconds left";
    const amount = s < 90 ? `${Math.round(s / 5) * 5} s` : s < 3600 ? `${Math.round(s / 60)} min` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
    return `${progress.complete ? "about" : "more than"} ${amount} left`;
}
