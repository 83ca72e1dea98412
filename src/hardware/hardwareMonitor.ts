import {HardwareSampler} from "./hardwareSampler";
import type {HardwareSnapshot, ProcessUsage, Reading, SystemReadings} from "./hardwareSnapshot";
import {ProcessSource} from "./processSource";
import type {SensorSource} from "./sensorSource";

export interface HardwareMonitorOptions {
    /** Milliseconds between samples. Default: 1000. */
    readonly intervalMs?: number;
    /**
     * How long one sample waits for the machine readings before showing the previous ones as
     * stale. Default: 80% of the interval, at most 1000 ms.
     */
    readonly waitMs?: number;
    /** Told once when a sensor turns itself off. */
    readonly onSensorDisabled?: (label: string, message: string) => void;
    /** Monotonic clock in milliseconds that paces the samples. Default: `performance.now`; tests pass a fake one. */
    readonly now?: () => number;
}

type SnapshotListener = (snapshot: HardwareSnapshot) => void;

/**
 * Samples the machine and this process on a timer while someone watches (the panel starts it
 * when shown and stops it when hidden). A sample never overlaps the previous one: the next
 * starts one interval after the last started, or right after it ends if it ran long.
 */
export class HardwareMonitor {
    private intervalMs: number;
    private readonly listeners = new Set<SnapshotListener>();
    private run: {sampler: HardwareSampler<{system: SystemReadings; process: ProcessUsage}>; timer?: ReturnType<typeof setTimeout>} | undefined;
    private latestSnapshot: HardwareSnapshot | undefined;
    private readonly now: () => number;

    constructor(
        /** Makes the source of machine readings (a sampling worker) for one run. */
        private readonly createSystemSource: (intervalMs: number) => SensorSource<SystemReadings>,
        private readonly options: HardwareMonitorOptions = {}
    ) {
        this.intervalMs = validInterval(options.intervalMs ?? 1000);
        this.now = options.now ?? (() => performance.now());
    }

    get running(): boolean {
        return this.run != null;
    }

    get interval(): number {
        return this.intervalMs;
    }

    /** The newest snapshot, kept after stopping so a reopened view has something to show. */
    get latest(): HardwareSnapshot | undefined {
        return this.latestSnapshot;
    }

    onSnapshot(listener: SnapshotListener): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    start(): void {
        if (this.run != null)
            return;
        const onDisabled = (label: string, err: unknown) => this.options.onSensorDisabled?.(label, err instanceof Error ? err.message : String(err));
        const sampler = new HardwareSampler(
            {system: this.createSystemSource(this.intervalMs), process: new ProcessSource()},
            {waitMs: this.options.waitMs ?? Math.min(1000, this.intervalMs * 0.8), onDisabled}
        );
        const run: NonNullable<HardwareMonitor["run"]> = {sampler};
        this.run = run;
        void this.tick(run);
    }

    stop(): void {
        const run = this.run;
        this.run = undefined;
        if (run == null)
            return;
        clearTimeout(run.timer);
        run.sampler.dispose();
    }

    /** Applies a new interval; a running monitor restarts with it. */
    setInterval(ms: number): void {
        const next = validInterval(ms);
        if (next === this.intervalMs)
            return;
        this.intervalMs = next;
        if (this.run != null) {
            this.stop();
            this.start();
        }
    }

    dispose(): void {
        this.stop();
        this.listeners.clear();
    }

    private async tick(run: NonNullable<HardwareMonitor["run"]>): Promise<void> {
        const startedAt = this.now();
        const readings = await run.sampler.sample();
        if (this.run !== run)
            return;
        const snapshot = flatten(readings.system, readings.process, Date.now());
        this.latestSnapshot = snapshot;
        // Scheduled before the listeners run, so a listener that throws cannot stop sampling.
        const delay = Math.max(0, this.intervalMs - (this.now() - startedAt));
        run.timer = setTimeout(() => void this.tick(run), delay);
        for (const listener of this.listeners)
            listener(snapshot);
    }
}

/** Spreads the worker's one reading back into one reading per sensor. */
export function flatten(system: Reading<SystemReadings>, process: Reading<ProcessUsage>, takenAt: number): HardwareSnapshot {
    const keys = ["cpu", "memory", "gpus", "temperature", "battery", "power"] as const;
    const each = (make: (key: typeof keys[number]) => Reading<unknown>) =>
        Object.fromEntries(keys.map((key) => [key, make(key)])) as unknown as SystemReadings;
    switch (system.status) {
        case "ok":
            return {takenAt, process, ...each((key) => {
                const inner = system.value[key];
                return system.stale && inner.status === "ok" ? {...inner, stale: true} : inner;
            })};
        case "waiting":
            return {takenAt, process, ...each(() => ({status: "waiting"}))};
        case "unavailable":
        case "disabled":
            return {takenAt, process, ...each(() => ({status: system.status, note: system.note}))};
    }
}

/** The fastest the monitor goes is 10 Hz; anything faster only costs CPU. */
function validInterval(ms: number): number {
    return Number.isFinite(ms) ? Math.max(100, Math.round(ms)) : 1000;
}
