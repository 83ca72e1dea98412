import type {PanelState, SensorReading, WebviewMessage} from "../../../src/panel/protocol";
import type {Change} from "../panelStore";
import {h, type Child} from "../../shared/dom";
import {age} from "../../shared/format";

/** What a tab may do besides drawing: talk to the host. */
export interface TabContext {
    post(message: WebviewMessage): void;
}

/** One tab of the panel. */
export interface TabView {
    readonly element: HTMLElement;
    /** Draws again what `change` touched (or everything, for "all"). */
    update(state: PanelState, change: Change): void;
    /** The tab became visible: charts can size themselves now. */
    shown(): void;
}

/** A titled box on a tab. */
export function card(title: string, testId: string | null, ...children: Child[]): HTMLElement {
    return h("section", {class: "qp-card", ...(testId != null ? {testId} : {})}, h("h3", {class: "qp-card-title"}, title), ...children);
}

/** A reading's content, or the reason it has none (never a zero). */
export function readingContent<T>(reading: SensorReading<T>, render: (value: T) => Child[]): Child[] {
    if (reading.status !== "ok")
        return [h("p", {class: `qp-missing ${reading.status}`, testId: "missing"}, missingText(reading))];
    const content = render(reading.value);
    if (reading.stale)
        content.push(h("p", {class: "qp-stale", title: "The sensor is slow to answer; this is its last value."}, `last read ${age(reading.at)}`));
    return content;
}

/** A big figure with a caption under it; `raw` keeps the unrounded number for tests and tooltips. */
export function figure(value: string, caption: string, testId?: string, raw?: number): HTMLElement {
    const attributes = {class: "qp-figure-value", ...(testId != null ? {testId} : {}), ...(raw != null ? {data: {value: String(raw)}} : {})};
    return h("div", {class: "qp-figure"}, h("span", attributes, value), h("span", {class: "qp-figure-caption"}, caption));
}

/** "label: value" pairs in a compact grid. */
export function facts(pairs: ReadonlyArray<readonly [string, Child]>): HTMLElement {
    const list = h("dl", {class: "qp-facts"});
    for (const [label, value] of pairs)
        list.append(h("dt", null, label), h("dd", null, value ?? "—"));
    return list;
}

/**
 * What to write where a reading has no value. A missing sensor says why; it never becomes 0.
 */
export function missingText(reading: Exclude<SensorReading<unknown>, {status: "ok"}>): string {
    switch (reading.status) {
        case "waiting":
            return "measuring…";
        case "unavailable":
            return reading.note;
        case "disabled":
            return reading.note;
    }
}
