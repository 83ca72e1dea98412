import type {AbMetric} from "../report/abReport";

/** Progress of a run: a message for people and the share done (0–1). */
export interface AbProgress {
    readonly message: string;
    readonly fraction: number;
}

/**
 * Turns "model m, item i of n in phase p" into one fraction that only moves forward: each
 * enabled metric is an equal share; quality and tasks split theirs over the models.
 */
export class AbProgressReporter {
    private last = 0;

    constructor(
        private readonly metrics: readonly AbMetric[],
        private readonly models: number,
        private readonly report: ((progress: AbProgress) => void) | undefined
    ) {}

    note(message: string): void {
        this.emit(message, this.last);
    }

    step(phase: AbMetric, model: number, done: number, total: number, message: string): void {
        const index = this.metrics.indexOf(phase);
        const within = phase === "speed" ? done / Math.max(1, total) : (model + done / Math.max(1, total)) / this.models;
        this.emit(message, (Math.max(0, index) + within) / Math.max(1, this.metrics.length));
    }

    done(): void {
        this.emit("Done", 1);
    }

    private emit(message: string, fraction: number): void {
        this.last = Math.max(this.last, Math.min(1, fraction));
        this.report?.({message, fraction: this.last});
    }
}
