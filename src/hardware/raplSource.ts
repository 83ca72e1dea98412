import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import type {PowerDraw} from "./hardwareSnapshot";
import {SensorUnavailableError, type SensorSource} from "./sensorSource";

const POWERCAP_DIR = "/sys/class/powercap";

export interface RaplZone {
    readonly name: string;
    readonly energyFile: string;
    /** The counter wraps to 0 after this many microjoules. */
    readonly maxEnergyUj: number;
}

interface Count {
    /** Microjoules per zone, in zone order. */
    readonly uj: readonly number[];
    readonly at: number;
}

/**
 * CPU package power from Linux RAPL energy counters (Intel, and AMD Zen through the same
 * interface): microjoules consumed, read twice, divided by the time between. Only top-level
 * zones (`intel-rapl:N`) are summed: their sub-zones (cores, uncore, dram) are parts of them.
 * Since 2020 most distributions make `energy_uj` readable by root only, so this is often absent.
 */
export class RaplSource implements SensorSource<PowerDraw> {
    readonly label = "Power (RAPL)";
    private zones: RaplZone[] | undefined;
    private previous: Count | undefined;

    constructor(private readonly dir = POWERCAP_DIR, private readonly now: () => number = () => performance.now()) {}

    async read(): Promise<PowerDraw> {
        this.zones ??= await findRaplZones(this.dir);
        if (this.previous == null) {
            // A rate needs two counts; the very first read takes both.
            this.previous = await this.count(this.zones);
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        const before = this.previous;
        const now = await this.count(this.zones);
        this.previous = now;
        const seconds = Math.max(1e-3, (now.at - before.at) / 1000);
        const consumed = raplConsumedUj(this.zones, before.uj, now.uj);
        const zones = this.zones.map((zone, i) => ({name: zone.name, watts: consumed[i]! / 1e6 / seconds}));
        return {packageWatts: zones.reduce((sum, z) => sum + z.watts, 0), zones};
    }

    private async count(zones: readonly RaplZone[]): Promise<Count> {
        return {uj: await readRaplCounters(zones), at: this.now()};
    }
}

/** Each zone's counter now, in microjoules. */
export async function readRaplCounters(zones: readonly RaplZone[]): Promise<number[]> {
    return Promise.all(zones.map(async (zone) => Number((await readFile(zone.energyFile, "utf8")).trim())));
}

/** Microjoules each zone consumed between two readings; a counter past its maximum wrapped to 0. */
export function raplConsumedUj(zones: readonly RaplZone[], before: readonly number[], after: readonly number[]): number[] {
    return zones.map((zone, i) => after[i]! >= before[i]! ? after[i]! - before[i]! : zone.maxEnergyUj - before[i]! + after[i]!);
}

/** The top-level RAPL zones under `dir`; SensorUnavailableError when there are none or they are root-only. */
export async function findRaplZones(dir = POWERCAP_DIR): Promise<RaplZone[]> {
    if (process.platform !== "linux" && dir === POWERCAP_DIR)
        throw new SensorUnavailableError("power counters are read on Linux only");
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^intel-rapl:\d+$/.test(n)).sort();
    if (names.length === 0)
        throw new SensorUnavailableError();
    const zones: RaplZone[] = [];
    for (const dirName of names) {
        const energyFile = join(dir, dirName, "energy_uj");
        try {
            await readFile(energyFile, "utf8");
        } catch {
            throw new SensorUnavailableError("not readable without root (RAPL energy counters are root-only here)");
        }
        const label = (await readFile(join(dir, dirName, "name"), "utf8").catch(() => dirName)).trim();
        const max = Number((await readFile(join(dir, dirName, "max_energy_range_uj"), "utf8").catch(() => "")).trim());
        zones.push({name: label, energyFile, maxEnergyUj: Number.isFinite(max) && max > 0 ? max : 2 ** 32});
    }
    return zones;
}
