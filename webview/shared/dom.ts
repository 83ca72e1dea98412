/**
 * The one DOM builder of both webview apps: text is always set as text, never parsed as HTML,
 * and only the attributes named here can be set (no event-handler or style attributes, which the
 * page's policy would block anyway).
 */
export type Child = Node | string | number | null | undefined | false;

export interface Attributes {
    readonly class?: string;
    readonly title?: string;
    /** data-testid, for the end-to-end tests. */
    readonly testId?: string;
    readonly data?: Readonly<Record<string, string>>;
    readonly role?: string;
    readonly ariaLabel?: string;
    readonly ariaLive?: "polite" | "assertive";
    /** Decoration a screen reader skips. */
    readonly ariaHidden?: boolean;
    readonly hidden?: boolean;
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
    if (attributes?.ariaLive != null)
        el.setAttribute("aria-live", attributes.ariaLive);
    if (attributes?.ariaHidden === true)
        el.setAttribute("aria-hidden", "true");
    if (attributes?.hidden === true)
        el.hidden = true;
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

/** Replaces an element's children, skipping the empty ones. */
export function replace(parent: Element, children: readonly Child[]): void {
    parent.replaceChildren();
    append(parent, children);
}
