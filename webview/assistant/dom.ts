type Child = Node | string | null | undefined | false;

/** A DOM element with attributes and children; text children are text nodes, never HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes))
        element.setAttribute(name, value);
    for (const child of children)
        if (child != null && child !== false)
            element.append(child);
    return element;
}

export function button(label: string, kind: "primary" | "secondary" | "link" | "icon", onClick: () => void, action?: string): HTMLButtonElement {
    const b = el("button", {type: "button", class: `btn ${kind}`, ...(action != null ? {"data-action": action} : {})}, label);
    b.addEventListener("click", onClick);
    return b;
}
