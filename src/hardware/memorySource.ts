import {mem} from "systeminformation";
import type {MemoryUsage} from "./hardwareSnapshot";
import type {SensorSource} from "./sensorSource";

/** RAM and swap from systeminformation (`/proc/meminfo` on Linux, read asynchronously). */
export class MemorySource implements SensorSource<MemoryUsage> {
    readonly label = "Memory";

    async read(): Promise<MemoryUsage> {
        const m = await mem();
        // "used" counts what programs hold; page cache the OS can drop is not "used" for a model's purposes.
        const available = m.available > 0 ? m.available : m.free;
        return {
            totalBytes: m.total,
            usedBytes: Math.max(0, m.total - available),
            availableBytes: available,
            swapTotalBytes: m.swaptotal,
            swapUsedBytes: m.swapused
        };
    }
}
