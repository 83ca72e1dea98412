import {spawn, type ChildProcess} from "node:child_process";
import type {GpuUsage} from "./hardwareSnapshot";
import {SensorUnavailableError} from "./sensorSource";

const FIELDS = "index,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw";
const MIB = 1024 * 1024;
/** nvidia-smi's first answer takes ~100–300 ms (it initialises NVML); give it a margin. */
const FIRST_ANSWER_MS = 5000;
const ROUND_SETTLE_MS = 30;

/**
 * NVIDIA GPU load, VRAM, temperature and power from one long-running `nvidia-smi --loop-ms`
 * process instead of one process per sample: starting nvidia-smi costs tens of milliseconds of
 * CPU each time, which at 1 Hz would be most of the sampling budget.
 */
export class NvidiaSmiMonitor {
    private child: ChildProcess | undefined;
    private readonly latest = new Map<number, GpuUsage>();
    private firstAnswer: Promise<void> | undefined;
    private failure: Error | undefined;

    constructor(private readonly intervalMs: number, private readonly command = "nvidia-smi") {}

    async read(): Promise<GpuUsage[]> {
        this.firstAnswer ??= this.start();
        await this.firstAnswer;
        if (this.failure != null)
            throw this.failure;
        return [...this.latest.entries()].sort(([a], [b]) => a - b).map(([, gpu]) => gpu);
    }

    dispose(): void {
        this.child?.kill();
        this.child = undefined;
    }

    private start(): Promise<void> {
        return new Promise<void>((resolve) => {
            const args = [`--query-gpu=${FIELDS}`, "--format=csv,noheader,nounits", `--loop-ms=${Math.max(100, Math.round(this.intervalMs))}`];
            const child = spawn(this.command, args, {stdio: ["ignore", "pipe", "ignore"], windowsHide: true});
            this.child = child;
            const timer = setTimeout(() => {
                this.failure ??= new Error(`nvidia-smi gave no answer within ${FIRST_ANSWER_MS / 1000} s`);
                resolve();
            }, FIRST_ANSWER_MS);
            let buffered = "";
            let settle: ReturnType<typeof setTimeout> | undefined;
            child.stdout!.setEncoding("utf8");
            child.stdout!.on("data", (chunk: string) => {
                buffered += chunk;
                const lines = buffered.split("\n");
                buffered = lines.pop() ?? "";
                for (const line of lines) {
                    const gpu = parseNvidiaSmiLine(line);
                    if (gpu != null)
                        this.latest.set(gpu.index, gpu.usage);
                }
                // One round prints a line per GPU; answer once the first round has had a moment to finish.
                if (this.latest.size > 0 && settle == null)
                    settle = setTimeout(() => {
                        clearTimeout(timer);
                        resolve();
                    }, ROUND_SETTLE_MS);
            });
            child.on("error", (err: NodeJS.ErrnoException) => {
                this.failure = err.code === "ENOENT" ? new SensorUnavailableError("no NVIDIA driver tools (nvidia-smi) found") : err;
                clearTimeout(timer);
                resolve();
            });
            child.on("exit", (code) => {
                if (this.child === child)
                    this.failure ??= this.latest.size === 0
                        ? new SensorUnavailableError(`nvidia-smi found no usable GPU (exit code ${code})`)
                        : new Error(`nvidia-smi stopped (exit code ${code})`);
                clearTimeout(timer);
                resolve();
            });
        });
    }
}

/** One CSV line of the query above; null for anything else (warnings, blank lines). */
export function parseNvidiaSmiLine(line: string): {index: number; usage: GpuUsage} | null {
    const parts = line.split(",").map((p) => p.trim());
    if (parts.length !== 7)
        return null;
    const [index, name, load, used, total, temperature, power] = parts as [string, string, string, string, string, string, string];
    const i = Number(index);
    if (!Number.isInteger(i) || name === "")
        return null;
    const usedMiB = numberOrNull(used);
    const totalMiB = numberOrNull(total);
    return {
        index: i,
        usage: {
            name,
            vendor: "NVIDIA",
            loadPercent: numberOrNull(load),
            vramUsedBytes: usedMiB == null ? null : usedMiB * MIB,
            vramTotalBytes: totalMiB == null ? null : totalMiB * MIB,
            temperatureC: numberOrNull(temperature),
            powerWatts: numberOrNull(power)
        }
    };
}

/** nvidia-smi writes "[N/A]" or "[Not Supported]" for fields a GPU lacks. */
function numberOrNull(text: string): number | null {
    if (text === "" || text.startsWith("["))
        return null;
    const value = Number(text);
    return Number.isFinite(value) ? value : null;
}
