// The QuantPilot panel's UI. It says `ready`, gets the whole state, then applies the host's
// changes; it never polls. Types come from the shared protocol file (src/panel/protocol.ts).
import "uplot/dist/uPlot.min.css";
import "./panel.css";
import type {PanelProtocol, PanelState, PanelTab} from "../../src/panel/protocol";
import {registerComponents, tabs, tag} from "../shared/toolkit";
import {h, replace, type Child} from "../shared/dom";
import {percent} from "../shared/format";
import {formatBytes} from "../../src/util/format";
import {applyHostMessage, type Change} from "./panelStore";
import {TAB_ORDER, tabDefinition} from "./tabs/tabList";
import type {TabView} from "./tabs/tabView";
import {HostChannel} from "../shared/hostChannel";

registerComponents();
const channel = new HostChannel<PanelProtocol>();
const context = {post: channel.post.bind(channel)};
const views = new Map<PanelTab, TabView>(TAB_ORDER.map((id) => [id, tabDefinition(id).create(context)]));
let active: PanelTab = savedTab() ?? "machine";
let state: PanelState | undefined;
document.body.dataset.tab = active;

const header = h("header", {class: "qp-header"});
const app = document.getElementById("app")!;
app.replaceChildren(header, tabs(
    TAB_ORDER.map((id) => ({id, title: tabDefinition(id).title, content: views.get(id)!.element})),
    active,
    (id) => selectTab(id)
));

function selectTab(id: string): void {
    const tab = TAB_ORDER.find((t) => t === id);
    if (tab == null || tab === active)
        return;
    active = tab;
    document.body.dataset.tab = tab;
    channel.save({tab});
    requestAnimationFrame(() => views.get(tab)!.shown());
}

/** The tab shown before the page was hidden or reloaded, if it still exists. */
function savedTab(): PanelTab | undefined {
    const tab = channel.saved()?.tab;
    return TAB_ORDER.find((t) => t === tab);
}

function draw(next: PanelState, change: Change): void {
    if (change === "all" || change === "model" || change === "hardware")
        replace(header, headerContent(next));
    for (const view of views.values())
        view.update(next, change);
    if (change === "all") {
        app.setAttribute("aria-busy", "false");
        document.body.dataset.quantpilot = "ready";
        requestAnimationFrame(() => views.get(active)!.shown());
    }
}

/** The model and the machine at a glance, above the tabs. */
function headerContent(s: PanelState): Child[] {
    const model: Child[] = s.model.kind === "ready"
        ? [h("span", {class: "qp-model-name", title: s.model.model.path, testId: "header-model"}, s.model.model.name ?? s.model.model.fileName),
            tag(s.model.model.fileType ?? "unknown type", `${s.model.model.bitsPerWeight.toFixed(2)} bits per weight`),
            h("span", {class: "qp-muted"}, s.model.model.device)]
        : [h("span", {class: "qp-muted", testId: "header-model"},
            s.model.kind === "loading" ? `Loading ${s.model.fileName}…` : s.model.kind === "failed" ? `${s.model.fileName} failed to load` : "No model loaded")];
    const hw = s.hardware;
    const live: Child[] = [];
    if (hw?.cpu.status === "ok")
        live.push(h("span", null, "CPU ", h("strong", null, percent(hw.cpu.value.totalPercent))));
    if (hw?.memory.status === "ok")
        live.push(h("span", null, "RAM ", h("strong", null, `${formatBytes(hw.memory.value.usedBytes)} / ${formatBytes(hw.memory.value.totalBytes)}`)));
    const gpu = hw?.gpus.status === "ok" ? hw.gpus.value.find((g) => g.loadPercent != null) : undefined;
    if (gpu != null)
        live.push(h("span", null, "GPU ", h("strong", null, percent(gpu.loadPercent))));
    return [h("div", {class: "qp-header-model"}, ...model), h("div", {class: "qp-header-live"}, ...live)];
}

channel.onMessage((message) => {
    const result = applyHostMessage(state, message);
    state = result.state;
    if (state != null && result.change != null)
        draw(state, result.change);
});

channel.post({type: "ready"});
