import type {SourceMap} from "./hardwareSampler";
import type {BatteryState, CpuLoad, GpuUsage, MemoryUsage, PowerDraw, Temperatures} from "./hardwareSnapshot";
import {BatterySource} from "./batterySource";
import {CpuLoadSource} from "./cpuLoadSource";
import {GpuSource} from "./gpuSource";
import {MemorySource} from "./memorySource";
import {RaplSource} from "./raplSource";
import {TemperatureSource} from "./temperatureSource";

/** The values behind `SystemReadings`, one per sensor. */
export interface SystemValues {
    readonly cpu: CpuLoad;
    readonly memory: MemoryUsage;
    readonly gpus: readonly GpuUsage[];
    readonly temperature: Temperatures;
    readonly battery: BatteryState;
    readonly power: PowerDraw;
}

/** The real sensors of this machine; `intervalMs` paces the ones that stream (nvidia-smi). */
export function createSystemSources(intervalMs: number): SourceMap<SystemValues> {
    return {
        cpu: new CpuLoadSource(),
        memory: new MemorySource(),
        gpus: new GpuSource(intervalMs),
        temperature: new TemperatureSource(),
        battery: new BatterySource(),
        power: new RaplSource()
    };
}
