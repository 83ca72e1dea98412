import type {HostMessage, PanelState} from "../../src/panel/protocol";

/** As many points as the host keeps: two minutes at 1 Hz. */
export const HISTORY_POINTS = 120;
export const REQUESTS_KEPT = 60;

/** Which part of the page a message changed, so only that part is drawn again. */
export type Change = "all" | "hardware" | "model" | "requests" | "variants" | "switching" | "settings" | "ab" | "backends" | "lora";

/**
 * The webview's copy of the panel state, updated by the host's messages. Pure: no DOM, so it is
 * tested like any other module. Messages before the first `state` are ignored.
 */
export function applyHostMessage(state: PanelState | undefined, message: HostMessage): {state: PanelState | undefined; change: Change | undefined} {
    if (message.type === "state")
        return {state: message.state, change: "all"};
    if (state == null)
        return {state, change: undefined};
    switch (message.type) {
        case "hardware":
            return {
                state: {...state, hardware: message.snapshot, memory: message.memory, history: bounded(state.history, message.point, HISTORY_POINTS)},
                change: "hardware"
            };
        case "model":
            return {state: {...state, model: message.model, memory: message.memory}, change: "model"};
        case "request":
            return {state: {...state, requests: bounded(state.requests, message.request, REQUESTS_KEPT)}, change: "requests"};
        case "variants":
            return {state: {...state, variants: message.variants}, change: "variants"};
        case "switching":
            return {state: {...state, switching: message.switching}, change: "switching"};
        case "settings":
            return {state: {...state, sampleIntervalMs: message.sampleIntervalMs}, change: "settings"};
        case "ab":
            return {state: {...state, ab: message.ab}, change: "ab"};
        case "backends":
            return {state: {...state, backends: message.backends}, change: "backends"};
        case "lora":
            return {state: {...state, lora: message.lora}, change: "lora"};
        default:
            message satisfies never;
            return {state, change: undefined};
    }
}

function bounded<T>(list: readonly T[], item: T, max: number): T[] {
    const next = [...list, item];
    return next.length > max ? next.slice(next.length - max) : next;
}
