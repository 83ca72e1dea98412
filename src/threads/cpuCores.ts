import {availableParallelism} from "node:os";
import {readFileSync} from "node:fs";

/**
 * Physical cores, not logical ones: ggml's threads spin-wait, so two on the hyperthreads of one
 * core slow each other down. Read from /proc/cpuinfo on Linux; elsewhere half the logical CPUs
 * when there are several (SMT is near universal on laptops), else one.
 */
export function physicalCoreCount(): number {
    const logical = availableParallelism();
    if (process.platform === "linux") {
        const counted = countLinuxCores();
        if (counted != null && counted > 0)
            return Math.min(counted, logical);
    }
    return logical >= 4 ? Math.floor(logical / 2) : logical;
}

function countLinuxCores(): number | undefined {
    try {
        const cores = new Set<string>();
        let physicalId = "0";
        for (const line of readFileSync("/proc/cpuinfo", "utf8").split("\n")) {
            const [key, value] = line.split(":").map((s) => s.trim());
            if (key === "physical id")
                physicalId = value ?? "0";
            else if (key === "core id")
                cores.add(`${physicalId}:${value}`);
        }
        return cores.size === 0 ? undefined : cores.size;
    } catch {
        return undefined;
    }
}

export interface ThreadChoice {
    readonly threads: number;
    /** Why this number, for the log. */
    readonly reason: string;
}

/**
 * One thread count for both phases (the CLI's `complete` and model loads use it). The measured,
 * per-phase policy (prompt vs decode threads, editor headroom, probing) is in decideThreads.ts and
 * threadTuner.ts.
 *
 * The thread count to run with. 0 or absent means "choose": the physical core count, since
 * node-llama-cpp's own default (at least 4) oversubscribes small machines and was measured to
 * make decoding on a 2-core machine about 1000x slower.
 */
export function chooseThreads(requested: number | undefined, cores = physicalCoreCount()): ThreadChoice {
    if (requested == null || requested === 0)
        return {threads: cores, reason: `${cores} physical cores`};
    if (!Number.isInteger(requested) || requested < 0)
        return {threads: cores, reason: `ignored invalid thread count ${requested}; using ${cores} physical cores`};
    if (requested > cores)
        return {threads: cores, reason: `clamped ${requested} to the ${cores} physical cores`};
    return {threads: requested, reason: "as configured"};
}
