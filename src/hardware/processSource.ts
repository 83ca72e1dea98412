import type {ProcessUsage} from "./hardwareSnapshot";
import type {SensorSource} from "./sensorSource";

/**
 * The extension host process itself: resident memory and CPU time between two reads, from
 * Node's own counters. CPU time covers every thread of the process: the JS thread, the sampling
 * worker and llama.cpp's threads while a model works.
 */
export class ProcessSource implements SensorSource<ProcessUsage> {
    readonly label = "Extension host";
    private previous = {cpu: process.cpuUsage(), at: performance.now()};

    async read(): Promise<ProcessUsage> {
        const now = {cpu: process.cpuUsage(), at: performance.now()};
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
