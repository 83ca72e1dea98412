import {cpuTemperature} from "systeminformation";
import type {Temperatures} from "./hardwareSnapshot";
import {SensorUnavailableError, type SensorSource} from "./sensorSource";

/**
 * CPU temperature where the OS exposes it (hwmon/thermal zones on Linux, SMC on macOS; usually
 * nothing on Windows without admin rights or in virtual machines). Read every few seconds: it
 * moves slowly and systeminformation spawns a shell for it on Linux.
 */
export class TemperatureSource implements SensorSource<Temperatures> {
    readonly label = "Temperature";
    readonly minIntervalMs = 5000;

    async read(): Promise<Temperatures> {
        const t = await cpuTemperature();
        if (!isTemperature(t.main))
            throw new SensorUnavailableError();
        const hottest = [t.max, ...(t.cores ?? [])].filter(isTemperature);
        return {cpuC: t.main, cpuMaxC: hottest.length > 0 ? Math.max(...hottest) : null};
    }
}

function isTemperature(value: unknown): value is number {
    // Some drivers report 0 or -1 for "no reading"; no running CPU is that cold.
    return typeof value === "number" && Number.isFinite(value) && value > 0;
}
