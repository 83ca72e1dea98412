import type {ProcessUsage} from "./hardwareSnapshot";
import type {SensorSource} from "./sensorSource";

/** The counters a process reading is computed from; a seam so tests need not burn real CPU time. */
export interface ProcessCounters {
    /** CPU time of this process in microseconds (`process.cpuUsage()`). */
    cpuUsage(): NodeJS.CpuUsage;
    /** Monotonic wall clock in milliseconds (`performance.now()`). */
    now(): number;
}

const PROCESS_COUNTERS: ProcessCounters = {cpuUsage: () => process.cpuUsage(), now: () => performance.now()};

/**
 * The extension host process itself: resident memory and CPU time between two reads, from
 * Node's own counters. CPU time covers every thread of the process: the JS thread, the sampling
 * worker and llama.cpp's threads while a model works.
 */
export class ProcessSource implements SensorSource<ProcessUsage> {
    readonly label = "Extension host";
    private previous: {cpu: NodeJS.CpuUsage; at: number};

    constructor(private readonly counters: ProcessCounters = PROCESS_COUNTERS) {
        this.previous = {cpu: counters.cpuUsage(), at: counters.now()};
    }

    async read(): Promise<ProcessUsage> {
        const now = {cpu: this.counters.cpuUsage(), at: this.counters.now()};
        const cpuMicros = (now.cpu.user - this.previous.cpu.user) + (now.cpu.system - this.previous.cpu.system);
        const wallMicros = (now.at - this.previous.at) * 1000;
        this.previous = now;
        const memory = process.memoryUsage();
        return {
            rssBytes: memory.rss,
            heapUsedBytes: memory.heapUsed,
            cpuPercent: wallMicros > 0 ? (100 * cpuMicros) / wallMicros : 0
        };
    }
}
