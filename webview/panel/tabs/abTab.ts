import type {AbResultView, AbTabView, PanelState} from "../../../src/panel/protocol";
import {button} from "../../shared/toolkit";
import {h, replace, type Child} from "../../shared/dom";
import type {Change} from "../panelStore";
import {sizeChart} from "./abChart";
import {card, type TabContext, type TabView} from "./tabView";

/**
 * Quantization A/B: start or cancel a comparison, the latest (or picked) result as verdicts, a
 * side-by-side table and quality/speed-against-size charts, and the saved comparisons.
 */
export class AbTab implements TabView {
    readonly element = h("div", {class: "qp-tab qp-ab"});
    /** What the tab was last drawn from, but for the running comparison's progress. */
    private drawnLayout: string | null = null;
    private progress: ProgressView | null = null;

    constructor(private readonly context: TabContext) {}

    update(state: PanelState, change: Change): void {
        if (change !== "all" && change !== "ab")
            return;
        const {ab} = state;
        const layout = JSON.stringify({...ab, running: ab.running != null});
        // Progress comes several times a second: moving the bar in place keeps the Cancel button
        // the same element, where redrawing the tab would replace it under the user's pointer.
        if (layout === this.drawnLayout && ab.running != null && this.progress != null) {
            this.progress.show(ab.running);
            return;
        }
        this.drawnLayout = layout;
        this.progress = ab.running != null ? new ProgressView() : null;
        replace(this.element, content(ab, this.context, this.progress));
    }

    shown(): void {
        // The charts are SVG with a view box: they size themselves.
    }
}

type Running = NonNullable<AbTabView["running"]>;

/** The running comparison's bar and line, updated in place. */
class ProgressView {
    private readonly bar = h("progress", {ariaLabel: "Comparison progress", testId: "ab-progress"});
    private readonly line = h("span", {role: "status"});
    readonly element = h("div", {class: "qp-ab-progress"}, this.bar, this.line);

    constructor() {
        this.bar.max = 100;
    }

    show(running: Running): void {
        const percent = Math.round(running.fraction * 100);
        this.bar.value = percent;
        this.line.textContent = `${percent} % \u00b7 ${running.message}${timeLeftSuffix(running)}`;
    }
}

function content(ab: AbTabView, context: TabContext, progress: ProgressView | null): Child[] {
    return [runCard(ab, context, progress), ...(ab.selected != null ? resultCards(ab.selected, context) : []), historyCard(ab, context)];
}

function runCard(ab: AbTabView, context: TabContext, progress: ProgressView | null): HTMLElement {
    if (ab.running != null && progress != null) {
        progress.show(ab.running);
        return card("Comparing quantizations", "ab-running", progress.element,
            h("div", {class: "qp-actions"}, button("Cancel", {appearance: "secondary", testId: "ab-cancel", onClick: () => context.post({type: "abCancel"})})));
    }
    return card("Compare quantizations", "ab-start",
        h("p", {class: "qp-muted"}, "Measure what a quantization costs against the reference, on built-in code and prose or your own files: " +
            "distribution match (KLD), task accuracy, speed, memory and energy, each with its interval and sample size."),
        h("div", {class: "qp-actions"}, button("Compare Quantizations\u2026", {testId: "ab-compare", onClick: () => context.post({type: "abCompare"})})));
}

/** " · about 3 min left" once the host has measured how fast the run goes (absent from older hosts). */
function timeLeftSuffix(running: {readonly timeLeft?: string | null}): string {
    return running.timeLeft != null ? ` \u00b7 ${running.timeLeft}` : "";
}

function resultCards(selected: AbResultView, context: TabContext): HTMLElement[] {
    const {id, table: {header, rows}} = selected;
    const table = h("table", {class: "qp-table qp-ab-table", testId: "ab-table"},
        h("thead", null, h("tr", null, ...header.map((cell) => h("th", null, cell)))),
        h("tbody", null, ...rows.map((row) => h("tr", null, h("th", null, row[0]), ...row.slice(1).map((cell) => h("td", null, cell))))));
    const exports = h("div", {class: "qp-actions"},
        button("Export JSON\u2026", {appearance: "secondary", onClick: () => context.post({type: "abExport", id, format: "json"})}),
        button("Export Markdown\u2026", {appearance: "secondary", onClick: () => context.post({type: "abExport", id, format: "markdown"})}));
    const kld = (v: number) => v.toPrecision(2);
    const tps = (v: number) => `${v.toPrecision(3)} t/s`;
    return [
        card(`Verdicts \u00b7 ${new Date(selected.createdAt).toLocaleString()}`, "ab-verdicts",
            h("ul", {class: "qp-ab-verdicts"}, ...selected.verdicts.map((verdict) => h("li", {testId: "ab-verdict"}, verdict))),
            h("p", {class: "qp-footnote"}, `Reference: ${selected.reference.fileName} \u2014 ${selected.reference.label}.`),
            exports),
        card("Side by side", "ab-side-by-side", h("div", {class: "qp-table-wrap"}, table),
            h("p", {class: "qp-footnote"}, "95 % bootstrap intervals; timings are the median [min\u2013max] of n runs.")),
        card("Quality and speed against size", "ab-charts", h("div", {class: "qp-ab-charts"},
            selected.kldVsSize.length > 0 ? figureOf("Mean KLD (lower is closer to the reference)", sizeChart(selected.kldVsSize, "Mean KLD against file size", kld, "ab-chart-kld")) : null,
            selected.tgVsSize.length > 0 ? figureOf("Decode tokens/s", sizeChart(selected.tgVsSize, "Decode speed against file size", tps, "ab-chart-tg")) : null)),
        card("Notes", "ab-notes", h("ul", {class: "qp-footnote"}, ...selected.notes.map((n) => h("li", null, n))))
    ];
}

function figureOf(caption: string, chart: SVGSVGElement): HTMLElement {
    const figure = h("figure", {class: "qp-ab-figure"});
    figure.append(chart, h("figcaption", null, caption));
    return figure;
}

function historyCard(ab: AbTabView, context: TabContext): HTMLElement {
    if (ab.history.length === 0)
        return card("Saved comparisons", "ab-history", h("p", {class: "qp-muted"}, "None yet."));
    const rows = ab.history.map((entry) => h("tr", {class: entry.id === ab.selected?.id ? "current" : "", testId: "ab-history-row"},
        h("td", null, new Date(entry.createdAt).toLocaleString()),
        h("td", null, `${entry.reference} vs ${entry.candidates.join(", ")}`),
        h("td", {class: "qp-action"}, button("Show", {appearance: "secondary", disabled: entry.id === ab.selected?.id,
            onClick: () => context.post({type: "abSelect", id: entry.id})}))));
    return card(`Saved comparisons (${ab.history.length})`, "ab-history",
        h("div", {class: "qp-table-wrap"}, h("table", {class: "qp-table qp-variants"}, h("tbody", null, ...rows))));
}
