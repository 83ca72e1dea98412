import {cpus, type CpuInfo} from "node:os";
import type {CpuLoad} from "./hardwareSnapshot";
import {SensorUnavailableError, type SensorSource} from "./sensorSource";

type CpuTimes = CpuInfo["times"];

/**
 * CPU load from the kernel's per-core time counters (`os.cpus()`), as the share of non-idle time
 * between two reads. This is one cheap call; systeminformation's `currentLoad` spawns a shell on
 * Linux for the same numbers, which alone would cost more than the sampling budget.
 */
export class CpuLoadSource implements SensorSource<CpuLoad> {
    readonly label = "CPU load";
    private previous: CpuTimes[];

    constructor(private readonly readCpus: () => CpuInfo[] = cpus) {
        this.previous = this.readCpus().map((cpu) => cpu.times);
    }

    async read(): Promise<CpuLoad> {
        const now = this.readCpus();
        if (now.length === 0)
            throw new SensorUnavailableError("the OS reports no CPU time counters");
        const perCorePercent = now.map((cpu, i) => busyPercent(this.previous[i], cpu.times));
        const totalPercent = busyPercent(sumTimes(this.previous), sumTimes(now.map((cpu) => cpu.times)));
        this.previous = now.map((cpu) => cpu.times);
        return {totalPercent, perCorePercent, model: now[0]!.model.trim()};
    }
}

function busyPercent(before: CpuTimes | undefined, after: CpuTimes): number {
    const total = (t: CpuTimes) => t.user + t.nice + t.sys + t.idle + t.irq;
    if (before == null)
        return 0;
    const elapsed = total(after) - total(before);
    if (elapsed <= 0)
        return 0;
    const idle = after.idle - before.idle;
    return Math.min(100, Math.max(0, 100 * (1 - idle / elapsed)));
}

function sumTimes(times: readonly CpuTimes[]): CpuTimes {
    const sum = {user: 0, nice: 0, sys: 0, idle: 0, irq: 0};
    for (const t of times) {
        sum.user += t.user;
        sum.nice += t.nice;
        sum.sys += t.sys;
        sum.idle += t.idle;
        sum.irq += t.irq;
    }
    return sum;
}
