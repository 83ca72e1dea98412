import type {ModelMemoryView, PanelState, RequestView} from "../../../src/panel/protocol";
import {TimeChart} from "../charts/timeChart";
import {h, type Child} from "../../shared/dom";
import {meter, stackedBar} from "../meters";
import {joules, milliseconds, percent, rate} from "../../shared/format";
import {formatBytes} from "../../../src/util/format";
import type {Change} from "../panelStore";
import {backendsSection} from "./backendsSection";
import {promptBudgetCard} from "./promptBudgetCard";
import {loraCard} from "./loraCard";
import {card, facts, figure, type TabContext, type TabView} from "./tabView";

const RECENT_ROWS = 8;

/** The loaded model: where its memory goes, how full its context is, and how fast it answers. */
export class ModelTab implements TabView {
    readonly element = h("div", {class: "qp-tab qp-model"});
    private readonly memory = h("div", {class: "qp-cards"});
    private readonly lora = h("div", {class: "qp-cards"});
    private readonly speed = h("div", {class: "qp-cards qp-cards-4"});
    private readonly recent = h("div", {class: "qp-table-wrap"});
    private readonly backends = h("div", {class: "qp-cards", testId: "backends"});
    private readonly budget = h("div", {class: "qp-cards"});
    private readonly chart = new TimeChart({
        label: "Time to first token and generation speed per request",
        height: 170,
        testId: "requests-chart",
        x: "sequence",
        ranges: {ms: [0, 1], tps: [0, 1]},
        series: [
            {label: "Time to first token", color: "--vscode-charts-orange", scale: "ms", unit: " ms"},
            {label: "Generation", color: "--vscode-charts-blue", scale: "tps", unit: " t/s"},
            {label: "Prompt", color: "--vscode-charts-green", scale: "tps", unit: " t/s", dashed: true}
        ]
    });

    constructor(private readonly context?: TabContext) {
        this.element.append(
            this.backends,
            this.memory,
            this.lora,
            h("h2", {class: "qp-section-title"}, "Requests"),
            this.speed,
            this.budget,
            h("section", {class: "qp-card qp-wide"}, h("h3", {class: "qp-card-title"}, "Per request"), this.chart.element),
            this.recent
        );
    }

    update(state: PanelState, change: Change): void {
        if (change === "all" || change === "backends")
            this.backends.replaceChildren(...backendsSection(state, this.context));
        if (change === "all" || change === "hardware" || change === "model")
            this.memory.replaceChildren(...memoryCards(state));
        if (change === "all" || change === "model" || change === "lora")
            this.lora.replaceChildren(loraCard(state, this.context));
        if (change === "all" || change === "requests" || change === "hardware") {
            this.speed.replaceChildren(...speedCards(state.requests.at(-1), state));
            this.budget.replaceChildren(promptBudgetCard(state.requests));
            const r = state.requests;
            this.chart.setData(r.map((_x, i) => i + 1), [r.map((x) => x.ttftMs), r.map((x) => x.tokensPerSecond), r.map((x) => x.promptTokensPerSecond)]);
            this.recent.replaceChildren(recentTable(r.slice(-RECENT_ROWS).reverse()));
        }
    }

    shown(): void {
        this.chart.resize();
    }
}

function memoryCards(state: PanelState): HTMLElement[] {
    const m = state.memory;
    if (state.model.kind !== "ready" || m == null) {
        const text = state.model.kind === "loading" ? `Loading ${state.model.fileName}…` : "No model is loaded.";
        return [card("Model memory", "card-model-memory", h("p", {class: "qp-missing"}, text))];
    }
    const compute = m.computeBytes ?? 0;
    const kv = m.kvCacheBytes ?? m.kvInUseBytes;
    const draft = m.draft?.bytes ?? 0;
    const adapters = m.adapters?.bytes ?? 0;
    const total = m.weightsBytes + kv + compute + draft + adapters;
    const fill = m.contextSize > 0 ? (100 * m.contextTokens) / m.contextSize : null;
    return [
        card("Model memory", "card-model-memory",
            figure(formatBytes(total), m.draft != null ? "weights + KV cache + compute buffers + draft model" : "weights + KV cache + compute buffers", "model-memory-total"),
            stackedBar([
                {value: m.weightsBytes, kind: "weights", label: `Weights ${formatBytes(m.weightsBytes)}`},
                {value: kv, kind: "kv", label: `KV cache ${formatBytes(kv)}`},
                {value: compute, kind: "compute", label: `Compute buffers ${formatBytes(compute)}`},
                ...(m.draft != null ? [{value: draft, kind: "draft", label: `Draft model ${formatBytes(draft)}`}] : []),
                ...(m.adapters != null ? [{value: adapters, kind: "draft", label: `LoRA adapters ${formatBytes(adapters)}`}] : [])
            ], total),
            legend([
                ["weights", "Weights", formatBytes(m.weightsBytes)],
                ["kv", "KV cache", m.kvCacheBytes != null ? formatBytes(m.kvCacheBytes) : "—"],
                ["compute", "Compute buffers", m.computeBytes != null ? `≈ ${formatBytes(m.computeBytes)}` : "—"],
                ...(m.draft != null ? [["draft", `Draft model (${m.draft.fileName})`, formatBytes(draft)] as const] : []),
                ...(m.adapters != null ? [["draft", "LoRA adapters (held until the model is unloaded)", formatBytes(adapters)] as const] : [])
            ])),
        card("Context", "card-context",
            figure(`${m.contextTokens.toLocaleString()} / ${m.contextSize.toLocaleString()}`, "tokens held in the KV cache", "context-fill"),
            meter(fill, "Context fill"),
            facts([["KV cache in use", formatBytes(m.kvInUseBytes)], ["Fill", percent(fill, 1)]])),
        card("Where it runs", "card-device", ...deviceContent(state, m))
    ];
}

function deviceContent(state: PanelState, m: ModelMemoryView): Child[] {
    const model = state.model.kind === "ready" ? state.model.model : undefined;
    const rows: Array<[string, Child]> = [["Threads", String(model?.threads ?? "—")]];
    if (m.vram == null)
        return [figure(model?.device ?? "CPU", "no GPU offload"), facts(rows)];
    const used = m.vram.totalBytes > 0 ? (100 * m.vram.usedBytes) / m.vram.totalBytes : null;
    rows.unshift(["On the GPU", `${formatBytes(m.onGpuBytes)} (${model?.gpuLayers ?? 0} layers)`],
        ["GPU memory", `${formatBytes(m.vram.usedBytes)} used of ${formatBytes(m.vram.totalBytes)}`]);
    return [figure(model?.device ?? "GPU", "offloaded"), meter(used, "GPU memory in use", "vram"), facts(rows)];
}

function legend(items: ReadonlyArray<readonly [string, string, string]>): HTMLElement {
    const list = h("ul", {class: "qp-legend"});
    for (const [kind, label, value] of items)
        list.append(h("li", null, h("span", {class: `qp-swatch ${kind}`}), `${label} `, h("strong", null, value)));
    return list;
}

function speedCards(last: RequestView | undefined, state: PanelState): HTMLElement[] {
    if (last == null)
        return [card("Last request", "card-last-request", h("p", {class: "qp-missing"},
            state.model.kind === "ready" ? "No requests yet. Type in an editor to get a completion." : "No model is loaded."))];
    const reuse = last.promptTokensEvaluated + last.promptTokensReused;
    return [
        card("Time to first token", "card-ttft", figure(milliseconds(last.ttftMs), `total ${milliseconds(last.totalMs)}`, "last-ttft")),
        card("Speed", "card-speed", figure(rate(last.tokensPerSecond), "generation", "last-tps"),
            facts([["Prompt", rate(last.promptTokensPerSecond)], ["Tokens", String(last.tokens)]])),
        card("Prompt reuse", "card-reuse",
            figure(reuse > 0 ? percent((100 * last.promptTokensReused) / reuse) : "—", "of the prompt came from the KV cache"),
            facts([["Evaluated", last.promptTokensEvaluated.toLocaleString()], ["Reused", last.promptTokensReused.toLocaleString()]])),
        speculationCard(last),
        card("Energy", "card-energy", last.joulesPerToken != null
            ? figure(joules(last.joulesPerToken), "per generated token (whole machine)", "last-energy")
            : h("p", {class: "qp-missing"}, powerKnown(state) ? "no power reading around this request (the panel was hidden)" : "not available on this machine"))
    ];
}

/** Speculative decoding on the last request: how many guesses the model accepted. */
function speculationCard(last: RequestView): HTMLElement {
    const s = last.speculation;
    if (s == null || s.predictor === "none")
        return card("Guessing ahead", "card-speculation", h("p", {class: "qp-missing"}, "off for this request (quantpilot.speculative.mode)"));
    const source = s.predictor === "draftModel" ? "draft model" : "prompt lookup";
    return card("Guessing ahead", "card-speculation",
        figure(s.acceptance != null ? percent(100 * s.acceptance) : "—", `of ${source} guesses accepted`, "last-acceptance"),
        facts([["Tokens per step", `${s.tokensPerStep.toFixed(2)}×`], ["Accepted / rejected", `${s.accepted} / ${s.rejected}`]]));
}

/** Whether this machine reports any power figure at all. */
function powerKnown(state: PanelState): boolean {
    const hw = state.hardware;
    if (hw == null)
        return false;
    return hw.power.status === "ok"
        || (hw.gpus.status === "ok" && hw.gpus.value.some((g) => g.powerWatts != null))
        || (hw.battery.status === "ok" && hw.battery.value.dischargeWatts != null);
}

function recentTable(rows: readonly RequestView[]): HTMLElement {
    if (rows.length === 0)
        return h("div");
    const head = h("tr", null, ...["When", "Kind", "TTFT", "Prompt", "Generation", "Evaluated / reused", "Tokens", "Energy/token"]
        .map((t, i) => h("th", {class: i >= 2 ? "num" : ""}, t)));
    const body = rows.map((r) => h("tr", null,
        h("td", null, new Date(r.at).toLocaleTimeString()),
        h("td", null, r.kind),
        h("td", {class: "num"}, milliseconds(r.ttftMs)),
        h("td", {class: "num"}, rate(r.promptTokensPerSecond)),
        h("td", {class: "num"}, rate(r.tokensPerSecond)),
        h("td", {class: "num"}, `${r.promptTokensEvaluated} / ${r.promptTokensReused}`),
        h("td", {class: "num"}, String(r.tokens)),
        h("td", {class: "num"}, r.joulesPerToken != null ? joules(r.joulesPerToken) : "—")));
    return h("table", {class: "qp-table", testId: "requests-table"}, h("thead", null, head), h("tbody", null, ...body));
}
