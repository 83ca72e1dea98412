/** Tiny DOM builder: text is always set as text, never parsed as HTML. */
export type Child = Node | string | number | null | undefined | false;

export interface Attributes {
    readonly class?: string;
    readonly title?: string;
    /** data-testid, for the end-to-end tests. */
    readonly testId?: string;
    readonly data?: Readonly<Record<string, string>>;
    readonly role?: string;
    readonly ariaLabel?: string;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    if (attributes?.class != null)
        el.className = attributes.class;
    if (attributes?.title != null)
        el.title = attributes.title;
    if (attributes?.testId != null)
        el.dataset.testid = attributes.testId;
    if (attributes?.role != null)
        el.setAttribute("role", attributes.role);
    if (attributes?.ariaLabel != null)
        el.setAttribute("aria-label", attributes.ariaLabel);
    for (const [key, value] of Object.entries(attributes?.data ?? {}))
        el.dataset[key] = value;
    append(el, children);
    return el;
}

export function append(parent: Element, children: readonly Child[]): void {
    for (const child of children) {
        if (child == null || child === false)
            continue;
        parent.append(typeof child === "number" ? String(child) : child);
    }
}

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

/** Replaces an element's children, skipping the empty ones. */
export function replace(parent: Element, children: readonly Child[]): void {
    parent.replaceChildren();
    append(parent, children);
}
