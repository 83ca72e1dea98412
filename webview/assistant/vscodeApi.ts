import type {WebviewMessage} from "../../src/assistant/protocol";

interface VsCodeApi {
    postMessage(message: WebviewMessage): void;
    getState(): unknown;
    setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's one handle on the host (acquireVsCodeApi may be called once per page). */
export const vscode: VsCodeApi = acquireVsCodeApi();
