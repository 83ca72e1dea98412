/**
 * What an app's protocol file (src/panel/protocol.ts, src/assistant/protocol.ts) tells the
 * channel: the messages each way, and what the page keeps across hiding and reloads.
 */
export interface ChannelProtocol {
    readonly hostMessage: {readonly type: string};
    readonly webviewMessage: {readonly type: string};
    readonly persisted: object;
}

interface VsCodeApi {
    postMessage(message: unknown): void;
    getState(): unknown;
    setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/**
 * A webview app's one line to its host: typed messages out and in, and the page's persisted
 * state. Make one per page: VS Code hands out its API only once.
 */
export class HostChannel<P extends ChannelProtocol> {
    private readonly api = acquireVsCodeApi();

    post(message: P["webviewMessage"]): void {
        this.api.postMessage(message);
    }

    /** Every message the host posts; the host's own messages need no validation here. */
    onMessage(handler: (message: P["hostMessage"]) => void): void {
        window.addEventListener("message", (event: MessageEvent<P["hostMessage"]>) => handler(event.data));
    }

    /** What `save` kept, possibly by an older version of the page: check each field before use. */
    saved(): Partial<P["persisted"]> | undefined {
        return (this.api.getState() ?? undefined) as Partial<P["persisted"]> | undefined;
    }

    save(state: P["persisted"]): void {
        this.api.setState(state);
    }
}
