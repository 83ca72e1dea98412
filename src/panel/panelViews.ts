import type {ModelDescription} from "../engine/engine";
import type {RequestMetrics} from "../engine/requestMetrics";
import type {HardwareSnapshot} from "../hardware/hardwareSnapshot";
import type {ModelState} from "../modelController";
import type {FitEstimate} from "../quant/fit";
import {describeFit, fitLabel} from "../quant/fit";
import type {ModelVariant} from "../quant/variants";
import type {FitView, HistoryPoint, LoadedModelView, ModelView, RequestView, VariantView} from "./protocol";

/** Power readings older than this say nothing about a request that just finished. */
const POWER_MAX_AGE_MS = 5000;

export function modelView(state: ModelState): ModelView {
    switch (state.kind) {
        case "none":
            return {kind: "none"};
        case "loading":
            return {kind: "loading", fileName: fileNameOf(state.path)};
        case "ready":
            return {kind: "ready", model: loadedModelView(state.model)};
        case "failed":
            return {kind: "failed", fileName: fileNameOf(state.path), message: state.message};
    }
}

export function loadedModelView(d: ModelDescription): LoadedModelView {
    const gpu = d.runtime.gpu;
    return {
        path: d.path,
        fileName: d.fileName,
        name: d.name ?? null,
        architecture: d.architecture,
        parameters: d.parameters,
        fileType: d.fileType ?? null,
        bitsPerWeight: d.bitsPerWeight,
        sizeBytes: d.sizeBytes,
        contextSize: d.contextSize,
        device: gpu === false ? "CPU" : [gpu.toUpperCase(), d.runtime.gpuName].filter((s) => s != null && s !== "").join(" · "),
        gpuLayers: d.runtime.gpuLayers,
        threads: d.runtime.threads
    };
}

export function variantView(variant: ModelVariant, fit: FitEstimate | undefined): VariantView {
    return {
        path: variant.path,
        fileName: variant.fileName,
        fileType: variant.fileType ?? null,
        bitsPerWeight: variant.bitsPerWeight,
        sizeBytes: variant.sizeBytes,
        isCurrent: variant.isCurrent,
        fit: fit == null ? null : fitView(fit),
        measured: null
    };
}

function fitView(fit: FitEstimate): FitView {
    return {verdict: fit.verdict, label: fitLabel(fit.verdict), detail: describeFit(fit), memoryBytes: fit.ramBytes + fit.vramBytes};
}

/** The chart's numbers from one snapshot; a sensor without a value gives null, never 0. */
export function historyPoint(s: HardwareSnapshot): HistoryPoint {
    const gpu = s.gpus.status === "ok" ? s.gpus.value.find((g) => g.loadPercent != null) : undefined;
    return {
        t: s.takenAt / 1000,
        cpuPercent: s.cpu.status === "ok" ? s.cpu.value.totalPercent : null,
        memoryPercent: s.memory.status === "ok" && s.memory.value.totalBytes > 0
            ? (100 * s.memory.value.usedBytes) / s.memory.value.totalBytes
            : null,
        gpuPercent: gpu?.loadPercent ?? null,
        processCpuPercent: s.process.status === "ok" ? s.process.value.cpuPercent : null
    };
}

/**
 * Watts the machine draws as far as it tells: CPU package (RAPL) plus GPU boards, or else the
 * battery's discharge rate. null when none of them is known.
 */
export function measuredWatts(s: HardwareSnapshot): number | null {
    const parts: number[] = [];
    if (s.power.status === "ok")
        parts.push(s.power.value.packageWatts);
    if (s.gpus.status === "ok")
        parts.push(...s.gpus.value.map((g) => g.powerWatts).filter((w): w is number => w != null));
    if (parts.length > 0)
        return parts.reduce((a, b) => a + b, 0);
    return s.battery.status === "ok" ? s.battery.value.dischargeWatts : null;
}

/** A finished request with its energy per generated token, when recent power readings exist. */
export function requestView(metrics: RequestMetrics, latest: HardwareSnapshot | undefined): RequestView {
    const fresh = latest != null && Math.abs(metrics.at - latest.takenAt) <= POWER_MAX_AGE_MS;
    const watts = fresh ? measuredWatts(latest) : null;
    const joulesPerToken = watts != null && metrics.tokens > 0 ? (watts * metrics.totalMs) / 1000 / metrics.tokens : null;
    return {...metrics, joulesPerToken};
}

/** Appends and drops the oldest beyond `max`. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
    list.push(item);
    if (list.length > max)
        list.splice(0, list.length - max);
}

function fileNameOf(path: string): string {
    return path.split(/[\\/]/).pop() ?? path;
}
