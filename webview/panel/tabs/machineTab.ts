import type {
    BatteryView, CpuView, GpuView, HardwareView, HistoryPoint, MemoryView, PanelState, PowerView, ProcessView, TemperatureView
} from "../../../src/panel/protocol";
import {TimeChart} from "../charts/timeChart";
import {link} from "../../shared/toolkit";
import {h, type Child} from "../../shared/dom";
import {meter} from "../meters";
import {interval, percent, watts} from "../../shared/format";
import {formatBytes} from "../../../src/util/format";
import type {Change} from "../panelStore";
import {card, facts, figure, readingContent, type TabContext, type TabView} from "./tabView";

/** The machine, live: CPU, memory, GPU, temperature, battery, power, and this extension's process. */
export class MachineTab implements TabView {
    readonly element = h("div", {class: "qp-tab qp-machine"});
    private readonly cards = h("div", {class: "qp-cards qp-cards-3"});
    private readonly sensors = h("div", {class: "qp-cards qp-cards-4"});
    private readonly footer = h("p", {class: "qp-footnote"});
    private readonly chart = new TimeChart({
        label: "CPU, memory and GPU use over the last two minutes",
        height: 180,
        testId: "machine-chart",
        ranges: {percent: [0, 100]},
        series: [
            {label: "CPU", color: "--vscode-charts-blue", scale: "percent", unit: "%"},
            {label: "RAM", color: "--vscode-charts-green", scale: "percent", unit: "%"},
            {label: "GPU", color: "--vscode-charts-orange", scale: "percent", unit: "%"},
            {label: "Extension host CPU", color: "--vscode-charts-purple", scale: "percent", unit: "%", dashed: true}
        ]
    });

    constructor(private readonly context: TabContext) {
        this.element.append(this.cards, this.sensors, h("section", {class: "qp-card qp-wide"}, h("h3", {class: "qp-card-title"}, "Last two minutes"), this.chart.element), this.footer);
    }

    update(state: PanelState, change: Change): void {
        if (change !== "all" && change !== "hardware" && change !== "settings")
            return;
        const hw = state.hardware;
        this.cards.replaceChildren(...(hw == null ? [h("p", {class: "qp-missing"}, "Measuring…")] : machineCards(hw)));
        this.sensors.replaceChildren(...(hw == null ? [] : sensorCards(hw)));
        const history = withGaps(state.history, (3 * state.sampleIntervalMs) / 1000);
        this.chart.setData(history.map((p) => p.t), [
            history.map((p) => p.cpuPercent), history.map((p) => p.memoryPercent),
            history.map((p) => p.gpuPercent), history.map((p) => p.processCpuPercent)
        ]);
        this.footer.replaceChildren(`Sampled every ${interval(state.sampleIntervalMs)}, only while this panel is visible. `,
            link("Change interval", () => this.context.post({type: "openSettings"})));
    }

    shown(): void {
        this.chart.resize();
    }
}

/**
 * Points with every value null where sampling paused (the panel was hidden), so the chart shows
 * a gap there instead of a line drawn across it.
 */
function withGaps(points: readonly HistoryPoint[], maxGapSeconds: number): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    for (const point of points) {
        const previous = out.at(-1);
        if (previous != null && point.t - previous.t > maxGapSeconds)
            out.push({t: previous.t + maxGapSeconds / 3, cpuPercent: null, memoryPercent: null, gpuPercent: null, processCpuPercent: null});
        out.push(point);
    }
    return out;
}

function machineCards(s: HardwareView): HTMLElement[] {
    return [
        card("CPU", "card-cpu", ...readingContent(s.cpu, cpuContent)),
        card("Memory", "card-memory", ...readingContent(s.memory, memoryContent)),
        card("GPU", "card-gpu", ...readingContent(s.gpus, (gpus) => gpus.flatMap(gpuContent)))
    ];
}

function sensorCards(s: HardwareView): HTMLElement[] {
    return [
        card("This extension", "card-process", ...readingContent(s.process, processContent)),
        card("Temperature", "card-temperature", ...readingContent(s.temperature, temperatureContent)),
        card("Battery", "card-battery", ...readingContent(s.battery, batteryContent)),
        card("Power", "card-power", ...powerContent(s))
    ];
}

function cpuContent(cpu: CpuView): Child[] {
    const cores = h("div", {class: "qp-cores", ariaLabel: "Load per core"});
    cpu.perCorePercent.forEach((load, i) => cores.append(h("span", {class: "qp-core", title: `Core ${i}: ${load.toFixed(0)} %`}, meter(load, `Core ${i}`))));
    return [
        figure(percent(cpu.totalPercent), `${cpu.perCorePercent.length} logical cores`, "cpu-total", cpu.totalPercent),
        cores,
        h("p", {class: "qp-detail", title: cpu.model}, cpu.model)
    ];
}

function memoryContent(m: MemoryView): Child[] {
    const used = m.totalBytes > 0 ? (100 * m.usedBytes) / m.totalBytes : null;
    return [
        figure(formatBytes(m.usedBytes), `used of ${formatBytes(m.totalBytes)}`, "memory-used", m.usedBytes),
        meter(used, "Memory in use"),
        facts([
            ["Available", h("span", {testId: "memory-available"}, formatBytes(m.availableBytes))],
            ["Swap", m.swapTotalBytes > 0 ? `${formatBytes(m.swapUsedBytes)} of ${formatBytes(m.swapTotalBytes)}` : "none"]
        ])
    ];
}

function gpuContent(gpu: GpuView): Child[] {
    const vram = gpu.vramTotalBytes != null && gpu.vramUsedBytes != null ? (100 * gpu.vramUsedBytes) / gpu.vramTotalBytes : null;
    const na = "not available on this machine";
    return [
        h("p", {class: "qp-gpu-name", title: gpu.vendor}, gpu.name),
        gpu.loadPercent != null ? figure(percent(gpu.loadPercent), "load", "gpu-load") : h("p", {class: "qp-missing"}, `Load ${na}`),
        ...(vram != null ? [meter(vram, "VRAM in use", "vram")] : []),
        facts([
            ["VRAM", gpu.vramTotalBytes == null ? na
                : gpu.vramUsedBytes == null ? `${formatBytes(gpu.vramTotalBytes)} total` : `${formatBytes(gpu.vramUsedBytes)} of ${formatBytes(gpu.vramTotalBytes)}`],
            ["Temperature", gpu.temperatureC != null ? `${gpu.temperatureC.toFixed(0)} °C` : na],
            ["Power", gpu.powerWatts != null ? watts(gpu.powerWatts) : na]
        ])
    ];
}

function processContent(p: ProcessView): Child[] {
    return [
        figure(formatBytes(p.rssBytes), "extension host memory (RSS)", "process-rss"),
        facts([
            ["CPU", h("span", {testId: "process-cpu", data: {value: String(p.cpuPercent)}}, percent(p.cpuPercent), " of one core")],
            ["JS heap", formatBytes(p.heapUsedBytes)]
        ])
    ];
}

function temperatureContent(t: TemperatureView): Child[] {
    return [figure(`${t.cpuC.toFixed(0)} °C`, "CPU"), ...(t.cpuMaxC != null ? [facts([["Hottest", `${t.cpuMaxC.toFixed(0)} °C`]])] : [])];
}

function batteryContent(b: BatteryView): Child[] {
    const state = b.charging ? "charging" : b.acConnected ? "plugged in" : "on battery";
    return [
        figure(percent(b.percent), state, "battery-percent"),
        meter(b.percent, "Battery level", b.percent < 20 ? "low" : ""),
        facts([
            ["Discharge", b.dischargeWatts != null ? watts(b.dischargeWatts) : b.acConnected ? "—" : "not available on this machine"],
            ["Remaining", b.minutesRemaining != null ? `${Math.floor(b.minutesRemaining / 60)} h ${b.minutesRemaining % 60} min` : "—"]
        ])
    ];
}

/** Every power figure the machine exposes, side by side; "not available" when there is none. */
function powerContent(s: HardwareView): Child[] {
    const gpuWatts = s.gpus.status === "ok" ? s.gpus.value.filter((g) => g.powerWatts != null) : [];
    const discharge = s.battery.status === "ok" ? s.battery.value.dischargeWatts : null;
    if (s.power.status !== "ok" && gpuWatts.length === 0 && discharge == null)
        return readingContent(s.power, () => []);
    const rapl = (p: PowerView): Child[] => [figure(watts(p.packageWatts), "CPU package (RAPL)", "power-package")];
    return [
        ...(s.power.status === "ok" ? rapl(s.power.value) : [h("p", {class: "qp-missing"}, `CPU package: ${s.power.status === "waiting" ? "measuring…" : s.power.note}`)]),
        facts([
            ...gpuWatts.map((g): [string, Child] => [g.name, watts(g.powerWatts!)]),
            ...(discharge != null ? [["Battery discharge", watts(discharge)] as [string, Child]] : [])
        ])
    ];
}
