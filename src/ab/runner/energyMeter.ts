import {execFile, spawn, type ChildProcess} from "node:child_process";
import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {batteryWattsFromUevent} from "../../hardware/batterySource";
import {findRaplZones, raplConsumedUj, readRaplCounters} from "../../hardware/raplSource";

/** Energy used between `start()` and `stop()`, from one of the machine's counters. */
export interface EnergyMeter {
    /** "RAPL CPU package", "battery discharge", "NVIDIA GPU board". */
    readonly source: string;
    /** What the number includes, for the report. */
    readonly note: string;
    start(): Promise<void>;
    /** Joules since `start()`. */
    stop(): Promise<number>;
}

/** Where the counters are read, and the clock that times them; the defaults are this machine's. Tests pass fakes. */
export interface EnergyMeterOptions {
    readonly powercap?: string;
    readonly powerSupply?: string;
    readonly nvidiaSmi?: string;
    /** Monotonic clock in milliseconds that times power-based meters. Default: `performance.now`. */
    readonly now?: () => number;
}

/**
 * The best energy counter available: the NVIDIA board counter when the model runs on CUDA, RAPL
 * package counters on Linux (often root-only), else the battery's discharge power while on
 * battery. Returns a reason string when none can be read.
 */
export async function openEnergyMeter(gpu: string | false, options: EnergyMeterOptions = {}): Promise<EnergyMeter | string> {
    const now = options.now ?? (() => performance.now());
    if (gpu === "cuda") {
        const meter = await nvidiaMeter(options.nvidiaSmi ?? "nvidia-smi", now);
        if (meter != null)
            return meter;
    }
    const rapl = await raplMeter(options.powercap ?? "/sys/class/powercap");
    if (rapl != null)
        return rapl;
    const battery = await batteryMeter(options.powerSupply ?? "/sys/class/power_supply", now);
    if (battery != null)
        return battery;
    return "not measurable here: no readable RAPL energy counter (/sys/class/powercap is absent or root-only), " +
        `not running on battery${gpu === "cuda" ? ", and nvidia-smi reports neither energy nor power" : ""}`;
}

async function raplMeter(dir: string): Promise<EnergyMeter | undefined> {
    if (process.platform !== "linux")
        return undefined;
    const zones = await findRaplZones(dir).catch(() => undefined);
    if (zones == null || !(await readRaplCounters(zones).then((uj) => uj.every(Number.isFinite), () => false)))
        return undefined;
    let before: number[] = [];
    return {
        source: "RAPL CPU package",
        note: "whole CPU package, so other programs running at the same time add to it",
        start: async () => {
            before = await readRaplCounters(zones);
        },
        stop: async () => raplConsumedUj(zones, before, await readRaplCounters(zones)).reduce((sum, uj) => sum + uj, 0) / 1e6
    };
}

async function batteryMeter(dir: string, now: () => number): Promise<EnergyMeter | undefined> {
    const watts = async (): Promise<number | null> => {
        let total: number | null = null;
        for (const name of await readdir(dir).catch(() => [] as string[])) {
            const uevent = await readFile(join(dir, name, "uevent"), "utf8").catch(() => "");
            if (!/POWER_SUPPLY_STATUS=Discharging/.test(uevent))
                continue;
            const w = batteryWattsFromUevent(uevent);
            if (w != null)
                total = (total ?? 0) + w;
        }
        return total;
    };
    if ((await watts()) == null)
        return undefined;
    let startWatts = 0;
    let startedAt = 0;
    return {
        source: "battery discharge",
        note: "whole machine while on battery; the battery reports power coarsely, so short runs are rough",
        start: async () => {
            startWatts = (await watts()) ?? 0;
            startedAt = now();
        },
        stop: async () => {
            const seconds = (now() - startedAt) / 1000;
            return (((await watts()) ?? startWatts) + startWatts) / 2 * seconds;
        }
    };
}

/**
 * NVIDIA boards: the driver's energy counter (total_energy_consumption, mJ) where nvidia-smi
 * offers it; drivers that do not (580 on an H200 here) get power.draw.instant sampled every
 * 100 ms while the meter runs, averaged and multiplied by the time.
 */
async function nvidiaMeter(command: string, now: () => number): Promise<EnergyMeter | undefined> {
    const counter = () => querySum(command, "total_energy_consumption");
    if ((await counter()) != null) {
        let before = 0;
        return {
            source: "NVIDIA GPU board",
            note: "GPU board energy counter (nvidia-smi total_energy_consumption); the CPU's share is not included",
            start: async () => {
                before = (await counter()) ?? 0;
            },
            stop: async () => (((await counter()) ?? before) - before) / 1000
        };
    }
    const probe = await queryValues(command, "power.draw.instant");
    if (probe == null)
        return undefined;
    return powerSamplingMeter(command, probe, now);
}

function powerSamplingMeter(command: string, probe: number[], now: () => number): EnergyMeter {
    let child: ChildProcess | undefined;
    let samples: number[] = [];
    let startedAt = 0;
    return {
        source: "NVIDIA GPU board",
        note: "GPU board power (nvidia-smi power.draw.instant, sampled every 100 ms) times the run's duration; the CPU's share is not included",
        start: async () => {
            samples = [];
            startedAt = now();
            child = spawn(command, ["--query-gpu=power.draw.instant", "--format=csv,noheader,nounits", "--loop-ms=100"], {stdio: ["ignore", "pipe", "ignore"]});
            child.stdout!.setEncoding("utf8");
            child.stdout!.on("data", (chunk: string) => samples.push(...chunk.split("\n").map(Number).filter((v) => Number.isFinite(v) && v > 0)));
            child.on("error", () => undefined);
        },
        stop: async () => {
            const seconds = (now() - startedAt) / 1000;
            child?.kill();
            child = undefined;
            // One line per GPU per sample: the mean line times the number of GPUs is the board total.
            const perGpu = samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : probe.reduce((a, b) => a + b, 0) / probe.length;
            return perGpu * probe.length * seconds;
        }
    };
}

async function querySum(command: string, field: string): Promise<number | undefined> {
    const values = await queryValues(command, field);
    return values?.reduce((a, b) => a + b, 0);
}

function queryValues(command: string, field: string): Promise<number[] | undefined> {
    return new Promise((resolve) => {
        execFile(command, [`--query-gpu=${field}`, "--format=csv,noheader,nounits"], {timeout: 5000}, (err, stdout) => {
            const values = err != null ? [] : stdout.trim().split("\n").map(Number);
            resolve(values.length > 0 && values.every(Number.isFinite) ? values : undefined);
        });
    });
}
