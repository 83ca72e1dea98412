import type {ChartPointView} from "../../../src/panel/protocol";
import {formatBytes} from "../../../src/util/format";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 360;
const HEIGHT = 200;
const PAD = {left: 56, right: 16, top: 12, bottom: 36};

/**
 * A small scatter of one metric against file size, each point with its interval as an error
 * bar (bootstrap CI or min–max range) and its label. Plain SVG coloured from the VS Code theme:
 * a handful of points needs no chart library.
 */
export function sizeChart(points: readonly ChartPointView[], title: string, format: (v: number) => string, testId: string): SVGSVGElement {
    const svg = element("svg", {viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-label": title, class: "qp-ab-chart", "data-testid": testId}) as SVGSVGElement;
    if (points.length === 0)
        return svg;
    const xs = points.map((p) => p.sizeBytes);
    const ys = points.flatMap((p) => [p.low, p.high, p.value]).filter(Number.isFinite);
    const [x0, x1] = padded(Math.min(...xs), Math.max(...xs), 0.08);
    const [y0, y1] = padded(Math.min(0, ...ys), Math.max(...ys), 0.1);
    const x = (v: number) => PAD.left + ((v - x0) / (x1 - x0)) * (WIDTH - PAD.left - PAD.right);
    const y = (v: number) => HEIGHT - PAD.bottom - ((v - y0) / (y1 - y0)) * (HEIGHT - PAD.top - PAD.bottom);
    svg.append(
        element("line", {x1: PAD.left, y1: HEIGHT - PAD.bottom, x2: WIDTH - PAD.right, y2: HEIGHT - PAD.bottom, class: "axis"}),
        element("line", {x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: HEIGHT - PAD.bottom, class: "axis"}),
        text(format(y1), PAD.left - 4, y(y1) + 4, "end"),
        text(format(y0), PAD.left - 4, y(y0) + 4, "end"),
        text(formatBytes(x0), PAD.left, HEIGHT - PAD.bottom + 14, "start"),
        text(formatBytes(x1), WIDTH - PAD.right, HEIGHT - PAD.bottom + 14, "end"),
        text("file size", (PAD.left + WIDTH - PAD.right) / 2, HEIGHT - 4, "middle")
    );
    for (const p of points) {
        const px = x(p.sizeBytes);
        const title = `${p.label}: ${format(p.value)} [${format(p.low)}, ${format(p.high)}], ${formatBytes(p.sizeBytes)}`;
        const group = element("g", {class: p.isReference ? "point reference" : "point"});
        group.append(
            element("title", {}),
            element("line", {x1: px, x2: px, y1: y(p.low), y2: y(p.high), class: "bar"}),
            element("circle", {cx: px, cy: y(p.value), r: 4}),
            text(p.label, px + 6, y(p.value) - 6, "start")
        );
        group.firstChild!.textContent = title;
        svg.append(group);
    }
    return svg;
}

function padded(low: number, high: number, share: number): [number, number] {
    const span = high - low || Math.abs(high) || 1;
    return [low - span * share, high + span * share];
}

function text(content: string, x: number, y: number, anchor: "start" | "middle" | "end"): SVGElement {
    const el = element("text", {x, y, "text-anchor": anchor});
    el.textContent = content;
    return el;
}

function element(tag: string, attributes: Record<string, string | number>): SVGElement {
    const el = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes))
        el.setAttribute(key, String(value));
    return el;
}
