import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {battery} from "systeminformation";
import type {BatteryState} from "./hardwareSnapshot";
import {SensorUnavailableError, type SensorSource} from "./sensorSource";

const POWER_SUPPLY_DIR = "/sys/class/power_supply";

/**
 * Battery level and charging state from systeminformation; on Linux also the discharge rate,
 * which it does not report: power_now, or voltage × current, from the battery's uevent file.
 */
export class BatterySource implements SensorSource<BatteryState> {
    readonly label = "Battery";
    readonly minIntervalMs = 5000;

    constructor(private readonly powerSupplyDir = process.platform === "linux" ? POWER_SUPPLY_DIR : undefined) {}

    async read(): Promise<BatteryState> {
        const b = await battery();
        if (!b.hasBattery)
            throw new SensorUnavailableError("no battery");
        const discharging = !b.isCharging && !b.acConnected;
        return {
            percent: b.percent,
            charging: b.isCharging,
            acConnected: b.acConnected,
            dischargeWatts: discharging && this.powerSupplyDir != null ? await linuxDischargeWatts(this.powerSupplyDir) : null,
            minutesRemaining: typeof b.timeRemaining === "number" && b.timeRemaining > 0 ? b.timeRemaining : null
        };
    }
}

/** Sum over the batteries that say how fast they drain; null when none does. */
async function linuxDischargeWatts(dir: string): Promise<number | null> {
    let total: number | null = null;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
        const uevent = await readFile(join(dir, name, "uevent"), "utf8").catch(() => "");
        const watts = batteryWattsFromUevent(uevent);
        if (watts != null)
            total = (total ?? 0) + watts;
    }
    return total;
}

/** Watts from a power_supply uevent file: POWER_NOW (µW), else VOLTAGE_NOW (µV) × CURRENT_NOW (µA). */
export function batteryWattsFromUevent(uevent: string): number | null {
    const values = new Map<string, string>();
    for (const line of uevent.split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0)
            values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
    if (values.get("POWER_SUPPLY_TYPE") !== "Battery")
        return null;
    const number = (key: string) => {
        const v = Number(values.get(`POWER_SUPPLY_${key}`));
        return Number.isFinite(v) && v !== 0 ? Math.abs(v) : undefined;
    };
    const powerMicroWatts = number("POWER_NOW");
    if (powerMicroWatts != null)
        return powerMicroWatts / 1e6;
    const microVolts = number("VOLTAGE_NOW");
    const microAmps = number("CURRENT_NOW");
    return microVolts != null && microAmps != null ? (microVolts / 1e6) * (microAmps / 1e6) : null;
}
