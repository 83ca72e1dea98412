import uPlot from "uplot";
import {h} from "../../shared/dom";

export interface SeriesSpec {
    readonly label: string;
    /** A VS Code theme color variable, e.g. "--vscode-charts-blue". */
    readonly color: string;
    /** Which y scale: the left axis is the first scale named, the right axis the second. */
    readonly scale: string;
    /** Appended to values in the legend and axis: "%", " ms", " t/s". */
    readonly unit: string;
    readonly dashed?: boolean;
}

export interface ChartSpec {
    readonly label: string;
    readonly series: readonly SeriesSpec[];
    /** Least ranges, e.g. percentages 0–100 (they grow to fit larger values); scales not listed fit their data. */
    readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
    readonly height: number;
    readonly testId?: string;
    /** "time": x values are epoch seconds; "sequence": x values are 1, 2, 3… (one per request). Default: "time". */
    readonly x?: "time" | "sequence";
}

const charts = new Set<TimeChart>();
let watchingTheme = false;

/**
 * A uPlot time chart that follows the VS Code theme: colours come from the theme's CSS
 * variables and are read again when the theme changes (VS Code swaps the body's class).
 */
export class TimeChart {
    readonly element: HTMLElement;
    private plot: uPlot | undefined;
    private data: uPlot.AlignedData;

    constructor(private readonly spec: ChartSpec) {
        this.element = h("div", {class: "qp-chart", ariaLabel: spec.label, role: "img", ...(spec.testId != null ? {testId: spec.testId} : {})});
        this.data = [[], ...spec.series.map(() => [])];
        charts.add(this);
        watchTheme();
        new ResizeObserver(() => this.resize()).observe(this.element);
    }

    /** Times in epoch seconds; one array of values per series, null where there was none. */
    setData(times: readonly number[], values: ReadonlyArray<ReadonlyArray<number | null>>): void {
        this.data = [times as number[], ...values.map((v) => v as Array<number | null>)];
        // How many points are drawn, for whoever waits on the chart (the e2e test's screenshot).
        this.element.dataset.points = String(times.length);
        if (this.plot == null)
            this.build();
        else
            this.plot.setData(this.data);
    }

    /** Sizes the chart to its box; a hidden tab has no width, so the chart waits until shown. */
    resize(): void {
        const width = Math.floor(this.element.clientWidth);
        if (width <= 0)
            return;
        if (this.plot == null)
            this.build();
        else if (Math.abs(this.plot.width - width) > 1)
            this.plot.setSize({width, height: this.spec.height});
    }

    rebuild(): void {
        this.plot?.destroy();
        this.plot = undefined;
        this.build();
    }

    private build(): void {
        const width = Math.floor(this.element.clientWidth);
        if (width <= 0)
            return;
        this.plot = new uPlot(this.options(width), this.data, this.element);
    }

    private options(width: number): uPlot.Options {
        const css = getComputedStyle(document.body);
        const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
        const foreground = color("--vscode-descriptionForeground", "#888");
        const grid = color("--vscode-editorWidget-border", "rgba(128,128,128,0.25)");
        const time = (this.spec.x ?? "time") === "time";
        const scales = [...new Set(this.spec.series.map((s) => s.scale))];
        const unitOf = (scale: string) => this.spec.series.find((s) => s.scale === scale)?.unit ?? "";
        const axis = (scale: string, side: 1 | 3): uPlot.Axis => ({
            scale, side, stroke: foreground,
            // Wide enough for the longest label ("5.2k t/s"), so none is cut off.
            size: (_u, values) => values == null || values.length === 0 ? 48 : Math.max(...values.map((v) => v.length)) * 8 + 22,
            grid: {show: side === 3, stroke: grid, width: 1},
            ticks: {stroke: grid, width: 1},
            values: (_u, ticks) => ticks.map((v) => `${trimNumber(v)}${unitOf(scale)}`)
        });
        return {
            width,
            height: this.spec.height,
            // Names only: the cards above carry the current values.
            legend: {show: true, live: false},
            cursor: {drag: {x: false, y: false}},
            scales: {
                x: {time: time},
                ...Object.fromEntries(scales.map((scale) => {
                    const range = this.spec.ranges?.[scale];
                    // A fixed range grows when data exceeds it (several busy threads make over 100 %).
                    return [scale, range != null ? {range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [range[0], Math.max(range[1], max)]} : {}];
                }))
            },
            axes: [
                {stroke: foreground, grid: {show: false}, ticks: {stroke: grid, width: 1}, space: time ? 80 : 40,
                    ...(time ? {} : {incrs: [1, 2, 5, 10, 20, 50, 100]}),
                    values: (_u, ticks) => ticks.map((t) => time ? clockTime(t) : Number.isInteger(t) ? `#${t}` : "")},
                axis(scales[0]!, 3),
                ...(scales[1] != null ? [axis(scales[1], 1)] : [])
            ],
            series: [
                {},
                ...this.spec.series.map((s): uPlot.Series => ({
                    label: s.label,
                    scale: s.scale,
                    stroke: color(s.color, "#3794ff"),
                    width: 1.5,
                    ...(s.dashed === true ? {dash: [4, 3]} : {}),
                    // Requests are separate events: mark each; a time series is a line.
                    points: {show: !time, size: 5},
                    spanGaps: false,
                    value: (_u, v) => v == null ? "—" : `${trimNumber(v)}${s.unit}`
                }))
            ]
        };
    }
}

function clockTime(epochSeconds: number): string {
    return new Date(epochSeconds * 1000).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"});
}

function trimNumber(v: number): string {
    if (Math.abs(v) >= 1000)
        return `${(v / 1000).toFixed(Math.abs(v) >= 10_000 ? 0 : 1).replace(/\.0$/, "")}k`;
    return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1).replace(/\.0$/, "") : v.toFixed(2).replace(/\.?0+$/, "");
}

function watchTheme(): void {
    if (watchingTheme)
        return;
    watchingTheme = true;
    new MutationObserver(() => {
        for (const chart of charts)
            chart.rebuild();
    }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
}
