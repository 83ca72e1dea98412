/**
 * What the panel's hardware sampling costs the extension host.
 *
 *   npm run bench:sampling -- [--seconds 30] [--warmup 3] [--interval 1000] [--worker dist/hardwareWorker.js] [--json]
 *
 * Three phases of equal length in one process: idle (the reference), QuantPilot's sampler (the
 * worker thread with every sensor, plus the host's process reading), and a naive sampler that
 * calls systeminformation on the main thread (currentLoad, mem, graphics, cpuTemperature,
 * battery) at the same interval. CPU time counts every thread of this process and the child
 * processes it waited for (nvidia-smi, shells), from /proc/self/stat on Linux. Target: the
 * sampler's steady-state CPU above idle <= 1% of one core at 1 Hz (the one-time start, every time
 * the panel is shown, is reported apart). The main thread's worst event-loop delay shows whether
 * sampling ever blocks it.
 */
import {readFileSync} from "node:fs";
import {cpus} from "node:os";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {parseArgs} from "node:util";
import * as si from "systeminformation";
import {HardwareMonitor} from "../src/hardware/hardwareMonitor";
import type {HardwareSnapshot} from "../src/hardware/hardwareSnapshot";
import {WorkerSystemSource} from "../src/hardware/workerSystemSource";

const {values} = parseArgs({
    options: {
        seconds: {type: "string", default: "30"},
        warmup: {type: "string", default: "3"},
        interval: {type: "string", default: "1000"},
        worker: {type: "string"},
        json: {type: "boolean", default: false}
    }
});

interface Phase {
    /** Steady state, after the warm-up. */
    readonly cpuPercentOfCore: number;
    /** CPU spent while starting (worker thread, first reads of every sensor). */
    readonly warmupCpuMs: number;
    readonly eventLoopMaxMs: number;
    readonly eventLoopP99Ms: number;
    readonly samples: number;
}

/** CPU seconds of this process (all threads) and its reaped children. */
function cpuSeconds(): number {
    if (process.platform === "linux") {
        const stat = readFileSync("/proc/self/stat", "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime, stime, cutime, cstime are fields 14–17 (1-based); after the name they start at index 11.
        const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
        return ticks / 100; // USER_HZ is 100 on every Linux this runs on
    }
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the work, lets it warm up (worker start, one-time sensor discovery) for `warmupSeconds`,
 * measures `seconds` of steady state, stops, and lets children exit so their CPU time is counted.
 */
async function measure(seconds: number, warmupSeconds: number, start: () => void, stop: () => void, samples: () => number): Promise<Phase> {
    const histogram = monitorEventLoopDelay({resolution: 10});
    const startCpu = cpuSeconds();
    start();
    await sleep(warmupSeconds * 1000);
    const before = cpuSeconds();
    const startedAt = performance.now();
    const samplesBefore = samples();
    histogram.enable();
    await sleep(seconds * 1000);
    const steadyCpu = cpuSeconds() - before;
    const wall = (performance.now() - startedAt) / 1000;
    histogram.disable();
    stop();
    await sleep(1500);
    return {
        cpuPercentOfCore: (100 * steadyCpu) / wall,
        warmupCpuMs: (before - startCpu) * 1000,
        eventLoopMaxMs: histogram.max / 1e6,
        eventLoopP99Ms: histogram.percentile(99) / 1e6,
        samples: samples() - samplesBefore
    };
}

async function workerPath(): Promise<string> {
    if (values.worker != null)
        return values.worker;
    // Bundle the worker the way the extension ships it; esbuild is only needed here.
    const {hardwareWorkerBundle} = await import("../test/helpers/hardwareWorker");
    return await hardwareWorkerBundle();
}

async function main(): Promise<void> {
    const seconds = Number(values.seconds);
    const intervalMs = Number(values.interval);
    const worker = await workerPath();

    const warmup = Number(values.warmup);
    const idle = await measure(seconds, warmup, () => undefined, () => undefined, () => 0);

    let count = 0;
    let last: HardwareSnapshot | undefined;
    const monitor = new HardwareMonitor((ms) => new WorkerSystemSource({workerPath: worker, intervalMs: ms}), {intervalMs});
    monitor.onSnapshot((snapshot) => {
        count++;
        last = snapshot;
    });
    const sampler = await measure(seconds, warmup, () => monitor.start(), () => monitor.stop(), () => count);

    let naiveCount = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const naive = await measure(seconds, warmup, () => {
        timer = setInterval(() => {
            void Promise.all([si.currentLoad(), si.mem(), si.graphics(), si.cpuTemperature(), si.battery()]).then(() => naiveCount++);
        }, intervalMs);
    }, () => clearInterval(timer), () => naiveCount);

    const overhead = sampler.cpuPercentOfCore - idle.cpuPercentOfCore;
    const result = {
        benchmark: "sampling",
        machine: cpus()[0]?.model.trim(),
        logicalCores: cpus().length,
        date: new Date().toISOString().slice(0, 10),
        intervalMs,
        seconds,
        warmupSeconds: warmup,
        idle,
        sampler,
        naiveMainThread: naive,
        samplerOverheadPercentOfCore: overhead,
        naiveOverheadPercentOfCore: naive.cpuPercentOfCore - idle.cpuPercentOfCore,
        targetPercentOfCore: 1,
        meetsTarget: overhead <= 1,
        sensors: last == null ? null : Object.fromEntries(Object.entries(last).filter(([key]) => key !== "takenAt")
            .map(([key, reading]) => [key, (reading as {status: string}).status])),
        gpus: last?.gpus.status === "ok" ? last.gpus.value : null
    };
    if (values.json) {
        console.log(JSON.stringify(result));
        return;
    }
    const row = (name: string, p: Phase) =>
        `${name.padEnd(22)} ${p.cpuPercentOfCore.toFixed(2).padStart(6)} % of a core   start ${p.warmupCpuMs.toFixed(0).padStart(4)} ms CPU   event loop max ${p.eventLoopMaxMs.toFixed(1)} ms, p99 ${p.eventLoopP99Ms.toFixed(1)} ms   ${p.samples} samples`;
    console.log(`${result.machine}, ${result.logicalCores} logical cores, ${seconds} s per phase after ${warmup} s warm-up, every ${intervalMs} ms`);
    console.log(row("idle (reference)", idle));
    console.log(row("QuantPilot sampler", sampler));
    console.log(row("naive main thread", naive));
    console.log(`sampler overhead: ${overhead.toFixed(2)} % of one core (target <= 1 %): ${result.meetsTarget ? "met" : "NOT met"}`);
    console.log(`sensors: ${JSON.stringify(result.sensors)}`);
    console.log(JSON.stringify(result));
}

void main().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
});
