import type {PanelState} from "../../../src/panel/protocol";
import {h} from "../../shared/dom";
import {button} from "../../shared/toolkit";
import {card, type TabContext} from "./tabView";

/**
 * The LoRA adapters card: what is applied (with its scale), the adapters the host found that it
 * can switch to, and how the last change went. Switching never reloads the model's weights.
 */
export function loraCard(state: PanelState, context?: TabContext): HTMLElement {
    if (state.model.kind !== "ready")
        return card("LoRA adapters", "card-lora", h("p", {class: "qp-missing"}, "No model is loaded."));
    const model = state.model.model;
    const {known, busy, failure} = state.lora;
    const active = new Set(model.adapters.map((a) => a.path));
    const post = context?.post.bind(context);
    const applied = model.adapters.length === 0
        ? h("p", {class: "qp-missing", testId: "lora-active"}, "None: the base model as it is.")
        : h("ul", {class: "qp-list", testId: "lora-active"}, ...model.adapters.map((a) => h("li", null,
            h("strong", null, a.fileName), ` ×${a.scale} `,
            post != null ? button("Unload", {appearance: "secondary", testId: `lora-unload-${a.fileName}`, disabled: busy != null,
                onClick: () => post({type: "unloadAdapter", path: a.path})}) : null)));
    const others = known.filter((a) => !active.has(a.path));
    return card("LoRA adapters", "card-lora",
        applied,
        busy != null ? h("p", {class: "qp-note", testId: "lora-busy"}, busy) : null,
        failure != null ? h("p", {class: "qp-error", testId: "lora-failure"}, failure) : null,
        model.adapterNotice != null ? h("p", {class: "qp-note", testId: "lora-notice"}, `Left out at load: ${model.adapterNotice}`) : null,
        others.length > 0 ? h("ul", {class: "qp-list", testId: "lora-known"}, ...others.map((a) => h("li", null, `${a.fileName} `,
            post != null ? button("Use", {appearance: "secondary", testId: `lora-use-${a.fileName}`, disabled: busy != null,
                title: "Apply this adapter alone; the weights are not reloaded", onClick: () => post({type: "useAdapter", path: a.path})}) : null))) : null,
        post != null ? h("div", {class: "qp-actions"},
            button("Load adapter…", {appearance: "secondary", testId: "lora-load", disabled: busy != null, onClick: () => post({type: "loadAdapter"})}),
            model.adapters.length > 0
                ? button("Unload all", {appearance: "secondary", testId: "lora-unload-all", disabled: busy != null, onClick: () => post({type: "unloadAdapters"})})
                : null) : null);
}
