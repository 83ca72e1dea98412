import type {PanelState, VariantView} from "../../../src/panel/protocol";
import {button, progressRing, tag} from "../../shared/toolkit";
import {h, replace, type Child} from "../../shared/dom";
import {rate} from "../../shared/format";
import {formatBytes} from "../../../src/util/format";
import type {Change} from "../panelStore";
import {card, facts, figure, type TabContext, type TabView} from "./tabView";

/** The loaded model's quantization, its other local quantizations, and switching between them. */
export class QuantizationTab implements TabView {
    readonly element = h("div", {class: "qp-tab qp-quantization"});
    private readonly current = h("div");
    private readonly status = h("div", {class: "qp-switch-status", testId: "switch-status", role: "status"});
    private readonly list = h("div");

    constructor(private readonly context: TabContext) {
        this.element.append(this.current, this.status, this.list);
    }

    update(state: PanelState, change: Change): void {
        if (change === "hardware" || change === "requests" || change === "settings" || change === "backends")
            return;
        this.current.replaceChildren(currentCard(state, this.context));
        replace(this.status, switchStatus(state));
        replace(this.list, variantList(state, this.context));
    }

    shown(): void {
        // Nothing sized by layout here.
    }
}

function currentCard(state: PanelState, context: TabContext): HTMLElement {
    const quantize = button("Quantize to…", {
        appearance: "secondary",
        disabled: !state.quantize.available || state.model.kind !== "ready",
        title: state.quantize.reason ?? (state.model.kind === "ready" ? "Make another quantization of this model" : "Load a model first"),
        testId: "quantize-button",
        onClick: () => context.post({type: "quantize"})
    });
    const refresh = button("Refresh", {appearance: "secondary", title: "Look for variants on disk again", onClick: () => context.post({type: "refreshVariants"})});
    const actions = h("div", {class: "qp-actions"}, quantize, refresh);
    if (state.model.kind !== "ready") {
        const text = state.model.kind === "loading" ? `Loading ${state.model.fileName}…`
            : state.model.kind === "failed" ? `${state.model.fileName} failed to load: ${state.model.message}` : "No model is loaded.";
        return card("Loaded model", "card-current-quant", h("p", {class: "qp-missing"}, text), actions);
    }
    const m = state.model.model;
    return card("Loaded model", "card-current-quant",
        h("div", {class: "qp-current"},
            figure(m.fileType ?? "unknown type", `${m.bitsPerWeight.toFixed(2)} bits per weight`, "model-quant"),
            facts([
                ["File", h("span", {title: m.path}, m.fileName)],
                ["Size", formatBytes(m.sizeBytes)]
            ]),
            facts([
                ["Runs on", m.device],
                ["Context", `${m.contextSize.toLocaleString()} tokens`]
            ]),
            actions));
}

function switchStatus(state: PanelState): Child[] {
    const s = state.switching;
    switch (s.kind) {
        case "idle":
            return [];
        case "switching":
            return [h("div", {class: "qp-banner info"}, progressRing("Switching"),
                h("span", null, `Switching to ${s.fileName}… the current model keeps serving until it is ready.`))];
        case "failed":
            return [h("div", {class: "qp-banner error", testId: "switch-error"},
                h("strong", null, `Could not switch to ${s.fileName}. `), s.message,
                s.stillLoaded != null ? ` ${s.stillLoaded} is still loaded.` : "")];
    }
}

function variantList(state: PanelState, context: TabContext): Child[] {
    const v = state.variants;
    switch (v.kind) {
        case "noModel":
            return [];
        case "searching":
            return [h("div", {class: "qp-banner info"}, progressRing("Searching"), "Looking for other quantizations on disk…")];
        case "failed":
            return [h("p", {class: "qp-missing"}, `Could not list the other quantizations: ${v.message}`)];
        case "ready":
            return [
                card(`Quantizations on disk (${v.variants.length})`, "card-variants",
                    h("div", {class: "qp-table-wrap"}, variantTable(v.variants, state, context)),
                    h("p", {class: "qp-footnote", title: v.searchedDirs.join("\n")}, `Searched ${v.searchedDirs.join(", ")}. `,
                        v.variants.length < 2 ? "Only the loaded file was found: use “Quantize to…” to make a smaller one." : ""))
            ];
    }
}

function variantTable(variants: readonly VariantView[], state: PanelState, context: TabContext): HTMLElement {
    const busy = state.switching.kind === "switching" || state.model.kind === "loading";
    const numeric = new Set(["Bits/weight", "File size", "Memory needed", "Quality", "Speed"]);
    const head = h("tr", null, ...["Quantization", "Bits/weight", "File size", "Memory needed", "Fit", "Quality", "Speed", ""]
        .map((t) => h("th", {class: numeric.has(t) ? "num" : ""}, t)));
    const notMeasured = () => h("span", {class: "qp-muted", title: "Not measured yet: an A/B evaluation of this file fills it in"}, "not measured");
    const rows = variants.map((variant) => h("tr", {
        class: variant.isCurrent ? "current" : "",
        testId: "variant-row",
        data: {type: variant.fileType ?? "", current: String(variant.isCurrent), file: variant.fileName}
    },
    h("td", null, h("strong", null, variant.fileType ?? "unknown"), h("span", {class: "qp-file", title: variant.path}, variant.fileName)),
    h("td", {class: "num"}, variant.bitsPerWeight.toFixed(2)),
    h("td", {class: "num"}, formatBytes(variant.sizeBytes)),
    h("td", {class: "num"}, variant.fit != null ? formatBytes(variant.fit.memoryBytes) : "—"),
    h("td", null, variant.fit != null ? h("span", {class: `qp-fit ${variant.fit.verdict}`, title: variant.fit.detail}, variant.fit.label) : "—"),
    h("td", {class: "num", title: "Perplexity from an A/B evaluation; lower is better"}, variant.measured?.perplexity != null ? variant.measured.perplexity.toFixed(2) : notMeasured()),
    h("td", {class: "num"}, variant.measured?.tokensPerSecond != null ? rate(variant.measured.tokensPerSecond) : notMeasured()),
    h("td", {class: "qp-action"}, variant.isCurrent
        ? tag("Loaded")
        : button("Switch", {
            disabled: busy,
            title: busy ? "Wait for the model that is loading" : `Load ${variant.fileName}; the current model keeps serving until it is ready`,
            testId: "switch-button",
            onClick: () => context.post({type: "switchModel", path: variant.path})
        }))));
    return h("table", {class: "qp-table qp-variants", testId: "variants-table"}, h("thead", null, head), h("tbody", null, ...rows));
}
