import type {PanelTab, PersistedPanelState, WebviewMessage} from "../../src/panel/protocol";

interface VsCodeApi {
    postMessage(message: unknown): void;
    getState(): unknown;
    setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's side of the channel: typed messages out, the persisted tab in and out. */
export class HostChannel {
    private readonly api = acquireVsCodeApi();

    post(message: WebviewMessage): void {
        this.api.postMessage(message);
    }

    savedTab(valid: readonly PanelTab[]): PanelTab | undefined {
        const state = this.api.getState() as Partial<PersistedPanelState> | undefined;
        return state?.tab != null && valid.includes(state.tab) ? state.tab : undefined;
    }

    saveTab(tab: PanelTab): void {
        this.api.setState({tab} satisfies PersistedPanelState);
    }
}
