import type * as vscode from "vscode";

/** VS Code's CancellationToken as the AbortSignal the core takes; done once, at the boundary. */
export function toAbortSignal(token: vscode.CancellationToken): {signal: AbortSignal; dispose(): void} {
    const controller = new AbortController();
    if (token.isCancellationRequested)
        controller.abort();
    const listener = token.onCancellationRequested(() => controller.abort());
    return {signal: controller.signal, dispose: () => listener.dispose()};
}
