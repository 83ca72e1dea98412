import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {graphics, type Systeminformation} from "systeminformation";
import type {GpuUsage} from "./hardwareSnapshot";
import {NvidiaSmiMonitor} from "./nvidiaSmi";
import {SensorUnavailableError, type SensorSource} from "./sensorSource";

const MIB = 1024 * 1024;
const DRM_DIR = "/sys/class/drm";

/**
 * Every GPU the machine has. Names and fixed VRAM come from systeminformation once (it runs
 * lspci and friends, too costly for every sample); live load and VRAM come from nvidia-smi
 * (NVIDIA) or amdgpu's sysfs files (AMD on Linux). Other GPUs (Intel, Apple) show their name
 * only: their load is not exposed without admin tools.
 */
export class GpuSource implements SensorSource<readonly GpuUsage[]> {
    readonly label = "GPU";
    private controllers: Systeminformation.GraphicsControllerData[] | undefined;
    private readonly nvidia: NvidiaSmiMonitor;
    private nvidiaMissing = false;

    constructor(intervalMs: number) {
        this.nvidia = new NvidiaSmiMonitor(intervalMs);
    }

    async read(): Promise<readonly GpuUsage[]> {
        this.controllers ??= (await graphics()).controllers.filter((c) => (c.model || c.name || "") !== "");
        const nvidia = await this.readNvidia();
        const amd = process.platform === "linux" ? await readAmdGpus(DRM_DIR, this.controllers) : [];
        const others = this.controllers
            .filter((c) => !(nvidia.length > 0 && isVendor(c, "nvidia")) && !(amd.length > 0 && isVendor(c, "amd")))
            .map(staticUsage);
        const gpus = [...nvidia, ...amd, ...others];
        if (gpus.length === 0)
            throw new SensorUnavailableError("no GPU found");
        return gpus;
    }

    dispose(): void {
        this.nvidia.dispose();
    }

    private async readNvidia(): Promise<GpuUsage[]> {
        const mayHaveNvidia = this.controllers!.length === 0 || this.controllers!.some((c) => isVendor(c, "nvidia"));
        if (this.nvidiaMissing || !mayHaveNvidia || (process.platform !== "linux" && process.platform !== "win32"))
            return [];
        try {
            return await this.nvidia.read();
        } catch (err) {
            if (!(err instanceof SensorUnavailableError))
                throw err;
            this.nvidiaMissing = true;
            return [];
        }
    }
}

function isVendor(c: Systeminformation.GraphicsControllerData, vendor: "nvidia" | "amd"): boolean {
    const text = `${c.vendor} ${c.model}`.toLowerCase();
    return vendor === "nvidia" ? text.includes("nvidia") : /\b(amd|ati|advanced micro devices)\b/.test(text);
}

function staticUsage(c: Systeminformation.GraphicsControllerData): GpuUsage {
    const fixedVram = c.vram != null && c.vram > 0 && !c.vramDynamic ? c.vram * MIB : null;
    return {
        name: c.model || c.name || "GPU",
        vendor: c.vendor,
        loadPercent: c.utilizationGpu ?? null,
        vramTotalBytes: c.memoryTotal != null ? c.memoryTotal * MIB : fixedVram,
        vramUsedBytes: c.memoryUsed != null ? c.memoryUsed * MIB : null,
        temperatureC: c.temperatureGpu ?? null,
        powerWatts: c.powerDraw ?? null
    };
}

/** amdgpu exposes load and VRAM as plain files: cheap enough for every sample. */
async function readAmdGpus(dir: string, controllers: readonly Systeminformation.GraphicsControllerData[]): Promise<GpuUsage[]> {
    const names = controllers.filter((c) => isVendor(c, "amd")).map((c) => c.model || c.name || "AMD GPU");
    const cards = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^card\d+$/.test(n)).sort();
    const gpus: GpuUsage[] = [];
    for (const card of cards) {
        const device = join(dir, card, "device");
        const load = await readNumber(join(device, "gpu_busy_percent"));
        if (load == null)
            continue;
        gpus.push({
            name: names[gpus.length] ?? "AMD GPU",
            vendor: "AMD",
            loadPercent: load,
            vramUsedBytes: await readNumber(join(device, "mem_info_vram_used")),
            vramTotalBytes: await readNumber(join(device, "mem_info_vram_total")),
            temperatureC: null,
            powerWatts: null
        });
    }
    return gpus;
}

async function readNumber(path: string): Promise<number | null> {
    const text = await readFile(path, "utf8").catch(() => undefined);
    const value = text == null ? NaN : Number(text.trim());
    return Number.isFinite(value) ? value : null;
}
