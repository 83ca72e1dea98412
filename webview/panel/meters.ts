import {h} from "../shared/dom";

/**
 * A horizontal bar filled to `percent`. The width is set through the CSSOM, which the page's
 * style policy allows (an inline style attribute would not be).
 */
export function meter(percent: number | null, label: string, kind = ""): HTMLElement {
    const fill = h("span", {class: `qp-meter-fill ${kind}`});
    fill.style.width = `${Math.max(0, Math.min(100, percent ?? 0))}%`;
    const bar = h("span", {class: "qp-meter", role: "meter", ariaLabel: label}, fill);
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", "100");
    if (percent != null)
        bar.setAttribute("aria-valuenow", String(Math.round(percent)));
    return bar;
}

/** Segments of one stacked bar, each a share of `total`. */
export function stackedBar(parts: ReadonlyArray<{readonly value: number; readonly kind: string; readonly label: string}>, total: number): HTMLElement {
    const bar = h("div", {class: "qp-stack", role: "img", ariaLabel: parts.map((p) => p.label).join(", ")});
    for (const part of parts) {
        const segment = h("span", {class: `qp-stack-part ${part.kind}`, title: part.label});
        segment.style.width = `${total > 0 ? (100 * part.value) / total : 0}%`;
        bar.append(segment);
    }
    return bar;
}
