/**
 * What the hardware sampler reports: plain, structured-clone-safe data that crosses a worker
 * boundary and the webview's postMessage unchanged. A figure the machine does not expose is
 * `null` (shown as "not available on this machine"), never 0.
 */

/** One sensor's latest answer. */
export type Reading<T> =
    /** `stale`: the newest read is still running (a slow sensor), so this value is from an earlier one. */
    | {readonly status: "ok"; readonly value: T; readonly at: number; readonly stale: boolean}
    /** The first read has not come back yet. */
    | {readonly status: "waiting"}
    /** This machine has no such sensor (or does not let us read it); `note` says which. */
    | {readonly status: "unavailable"; readonly note: string}
    /** The sensor failed and turned itself off for this session; `note` says why. */
    | {readonly status: "disabled"; readonly note: string};

export interface CpuLoad {
    /** 0–100, all cores together, since the previous sample. */
    readonly totalPercent: number;
    /** 0–100 per logical core, in the order the OS numbers them. */
    readonly perCorePercent: readonly number[];
    readonly model: string;
}

export interface MemoryUsage {
    readonly totalBytes: number;
    /** Memory programs hold (total minus what the OS could hand out now). */
    readonly usedBytes: number;
    /** What a new program (or model) can get without swapping: free plus reclaimable caches. */
    readonly availableBytes: number;
    readonly swapTotalBytes: number;
    readonly swapUsedBytes: number;
}

export interface GpuUsage {
    readonly name: string;
    readonly vendor: string;
    readonly loadPercent: number | null;
    readonly vramTotalBytes: number | null;
    readonly vramUsedBytes: number | null;
    readonly temperatureC: number | null;
    readonly powerWatts: number | null;
}

export interface Temperatures {
    readonly cpuC: number;
    /** The hottest core or sensor, where reported. */
    readonly cpuMaxC: number | null;
}

export interface BatteryState {
    readonly percent: number;
    readonly charging: boolean;
    readonly acConnected: boolean;
    /** Watts leaving the battery while it discharges (voltage × current); null when charging or not exposed. */
    readonly dischargeWatts: number | null;
    readonly minutesRemaining: number | null;
}

export interface PowerDraw {
    /** CPU package power from the OS energy counters (Linux RAPL), all packages together. */
    readonly packageWatts: number;
    /** Each counter that contributed, e.g. "package-0". */
    readonly zones: ReadonlyArray<{readonly name: string; readonly watts: number}>;
}

export interface ProcessUsage {
    /** Resident memory of the extension host process (which holds the model's weights when mmapped and touched). */
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    /** Percent of one core since the previous sample (can exceed 100 with several threads busy). */
    readonly cpuPercent: number;
}

/** The readings taken in the sampling worker: everything about the machine. */
export interface SystemReadings {
    readonly cpu: Reading<CpuLoad>;
    readonly memory: Reading<MemoryUsage>;
    readonly gpus: Reading<readonly GpuUsage[]>;
    readonly temperature: Reading<Temperatures>;
    readonly battery: Reading<BatteryState>;
    readonly power: Reading<PowerDraw>;
}

export interface HardwareSnapshot extends SystemReadings {
    /** Epoch milliseconds. */
    readonly takenAt: number;
    /** The extension host process itself. */
    readonly process: Reading<ProcessUsage>;
}
