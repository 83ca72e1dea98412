import type {ModelDescription} from "../engine/modelDescription";
import type {ModelMemory} from "../engine/modelMemory";
import type {RequestMetrics} from "../engine/requestMetrics";
import type {AbHistoryEntry} from "../ab/report/abHistory";
import type {AbReport} from "../ab/report/abReport";
import {abTable} from "../ab/report/abTable";
import {chartSeries, type ChartPoint} from "../ab/report/chartSeries";
import type {HardwareSnapshot, Reading} from "../hardware/hardwareSnapshot";
import type {LoadFailure, ModelState} from "../engine/modelHost";
import type {FitEstimate} from "../quant/fit";
import {describeFit, fitLabel} from "../quant/fit";
import type {ModelVariant} from "../quant/variants";
import type {
    AbHistoryView, AbResultView, ChartPointView, FitView, HardwareView, HistoryPoint, LoadedModelView, ModelMemoryView, ModelView, RequestView, SensorReading,
    SwitchView, VariantView
} from "./protocol";

/*
 * The one place the panel's host turns its own objects (engine, hardware, A/B, quantization)
 * into the plain types of the panel protocol. Where an object already has the protocol's shape
 * it is passed as it is: the compiler checks that the two still agree.
 */

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

/**
 * How a switch to `target` ended, once the model state has settled (undefined while it is still
 * loading): done when the target serves, failed with the reason when its load failed.
 */
export function settledSwitchView(target: string, state: ModelState, failure: LoadFailure | undefined): SwitchView | undefined {
    if (state.kind === "loading")
        return undefined;
    if (state.kind !== "ready" || state.model.path !== target) {
        if (failure != null && failure.path === target)
            return {kind: "failed", fileName: fileNameOf(target), message: failure.message, stillLoaded: state.kind === "ready" ? state.model.fileName : null};
    }
    return {kind: "idle"};
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
        threads: d.runtime.threads,
        adapters: (d.adapters ?? []).map((a) => ({path: a.path, fileName: a.fileName, scale: a.scale})),
        adapterNotice: d.adapterNotice ?? null
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

/** A hardware sample as the panel shows it (the RAPL zones behind the package figure stay on the host). */
export function hardwareView(s: HardwareSnapshot): HardwareView {
    return {
        takenAt: s.takenAt,
        cpu: s.cpu,
        memory: s.memory,
        gpus: s.gpus,
        temperature: s.temperature,
        battery: s.battery,
        power: readingView(s.power, (p) => ({packageWatts: p.packageWatts})),
        process: s.process
    };
}

function readingView<T, V>(reading: Reading<T>, view: (value: T) => V): SensorReading<V> {
    return reading.status === "ok" ? {...reading, value: view(reading.value)} : reading;
}

export function memoryView(memory: ModelMemory | null): ModelMemoryView | null {
    return memory;
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

/** A saved comparison as the A/B tab lists it (its verdicts are shown once it is picked). */
export function abHistoryView(entry: AbHistoryEntry): AbHistoryView {
    return {id: entry.id, createdAt: entry.createdAt, reference: entry.reference, candidates: entry.candidates};
}

/** A saved comparison with its table and charts, drawn by the A/B tab. */
export function abResultView(id: string, report: AbReport): AbResultView {
    const charts = chartSeries(report);
    return {
        id,
        createdAt: report.createdAt,
        verdicts: report.candidates.map((c) => c.verdict),
        reference: {fileName: report.reference.model.fileName, label: report.reference.label},
        table: abTable(report),
        kldVsSize: charts.kldVsSize.map(chartPointView),
        tgVsSize: charts.tgVsSize.map(chartPointView),
        notes: report.notes
    };
}

function chartPointView(p: ChartPoint): ChartPointView {
    return {label: p.label, sizeBytes: p.sizeBytes, value: p.value, low: p.low, high: p.high, isReference: p.isReference};
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
