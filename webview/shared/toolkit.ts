// The only file that imports @vscode/webview-ui-toolkit (deprecated upstream), for both webview
// apps; eslint keeps the apps from importing it themselves. Moving to @vscode-elements/elements
// means changing this file and nothing else. Callers get plain HTMLElements and never name a
// toolkit tag themselves.
import {
    provideVSCodeDesignSystem,
    vsCodeBadge,
    vsCodeButton,
    vsCodeDivider,
    vsCodeLink,
    vsCodePanels,
    vsCodePanelTab,
    vsCodePanelView,
    vsCodeProgressRing,
    vsCodeTag
} from "@vscode/webview-ui-toolkit";

let registered = false;

/** Defines the custom elements once, before anything renders. */
export function registerComponents(): void {
    if (registered)
        return;
    registered = true;
    provideVSCodeDesignSystem().register(
        vsCodeBadge(), vsCodeButton(), vsCodeDivider(), vsCodeLink(), vsCodePanels(), vsCodePanelTab(),
        vsCodePanelView(), vsCodeProgressRing(), vsCodeTag()
    );
}

export interface ButtonOptions {
    readonly appearance?: "primary" | "secondary" | "icon";
    readonly disabled?: boolean;
    /** Tooltip; on a disabled button it is put on a wrapper, since disabled elements get no hover. */
    readonly title?: string;
    readonly testId?: string;
    readonly onClick?: () => void;
}

export function button(label: string, options: ButtonOptions = {}): HTMLElement {
    const el = document.createElement("vscode-button");
    el.textContent = label;
    el.setAttribute("appearance", options.appearance ?? "primary");
    if (options.testId != null)
        el.dataset.testid = options.testId;
    if (options.disabled === true)
        el.setAttribute("disabled", "");
    if (options.onClick != null)
        el.addEventListener("click", () => {
            if (!el.hasAttribute("disabled"))
                options.onClick!();
        });
    if (options.title == null)
        return el;
    if (options.disabled !== true) {
        el.title = options.title;
        return el;
    }
    const wrapper = document.createElement("span");
    wrapper.className = "qp-disabled-wrapper";
    wrapper.title = options.title;
    wrapper.append(el);
    return wrapper;
}

export function link(label: string, onClick: () => void): HTMLElement {
    const el = document.createElement("vscode-link");
    el.textContent = label;
    el.setAttribute("href", "#");
    el.addEventListener("click", (event) => {
        event.preventDefault();
        onClick();
    });
    return el;
}

export function tag(text: string, title?: string): HTMLElement {
    const el = document.createElement("vscode-tag");
    el.textContent = text;
    if (title != null)
        el.title = title;
    return el;
}

export function badge(text: string): HTMLElement {
    const el = document.createElement("vscode-badge");
    el.textContent = text;
    return el;
}

export function progressRing(label: string): HTMLElement {
    const el = document.createElement("vscode-progress-ring");
    el.setAttribute("aria-label", label);
    return el;
}

export function divider(): HTMLElement {
    return document.createElement("vscode-divider");
}

export interface TabSpec {
    readonly id: string;
    readonly title: string;
    readonly content: HTMLElement;
}

/**
 * A tab strip with one view per tab. `onChange` gets the id of the tab the user picked; views
 * stay in the DOM when hidden, so their charts keep their data.
 */
export function tabs(specs: readonly TabSpec[], activeId: string, onChange: (id: string) => void): HTMLElement {
    const panels = document.createElement("vscode-panels");
    panels.setAttribute("activeid", `tab-${activeId}`);
    panels.setAttribute("aria-label", "QuantPilot sections");
    for (const spec of specs) {
        const tab = document.createElement("vscode-panel-tab");
        tab.id = `tab-${spec.id}`;
        tab.dataset.testid = `tab-${spec.id}`;
        tab.textContent = spec.title;
        panels.append(tab);
    }
    for (const spec of specs) {
        const view = document.createElement("vscode-panel-view");
        view.id = `view-${spec.id}`;
        view.append(spec.content);
        panels.append(view);
    }
    panels.addEventListener("change", (event) => {
        const target = (event as CustomEvent<HTMLElement | undefined>).detail;
        if (target?.id?.startsWith("tab-") === true)
            onChange(target.id.slice("tab-".length));
    });
    return panels;
}
