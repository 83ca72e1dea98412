import {h} from "../shared/dom";

/**
 * A native button styled by assistant.css (`.btn.primary`, `.btn.link`, …); `action` becomes
 * `data-action`, which the end-to-end tests click by.
 */
export function plainButton(label: string, kind: "primary" | "secondary" | "link" | "icon", onClick: () => void, action?: string): HTMLButtonElement {
    const b = h("button", {class: `btn ${kind}`, ...(action != null ? {data: {action}} : {})}, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
}
