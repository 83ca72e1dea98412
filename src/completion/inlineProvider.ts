import * as vscode from "vscode";
import type {Config} from "../config";
import type {Engine} from "../engine/engine";
import {ModelNotCapableError} from "../engine/errors";
import {isAbortError} from "../util/abort";
import type {Logger} from "../util/logger";
import {toAbortSignal} from "../vscodeUtil/cancellation";
import {cursorContext} from "./documentContext";

/**
 * Inline (ghost text) completions from the loaded model with fill-in-the-middle. One request
 * runs at a time: a keystroke cancels the previous request through VS Code's token, which is
 * bridged to the engine's AbortSignal. Failures are logged, never shown per keystroke.
 */
export class QuantPilotInlineProvider implements vscode.InlineCompletionItemProvider {
    private inFlight: AbortController | undefined;
    private readonly reportedProblems = new Set<string>();

    constructor(
        private readonly engine: Engine,
        private readonly config: Config,
        private readonly log: Logger,
        private readonly onCompletion: (summary: string) => void
    ) {}

    async provideInlineCompletionItems(
        document: vscode.TextDocument,
        position: vscode.Position,
        _context: vscode.InlineCompletionContext,
        token: vscode.CancellationToken
    ): Promise<vscode.InlineCompletionItem[] | undefined> {
        const model = this.engine.model;
        if (!this.config.completionsEnabled || model == null || !model.hasFim) {
            if (model != null && !model.hasFim)
                this.reportOnce("no-fim", `${model.fileName} has no fill-in-the-middle tokens; inline completions are off for it.`);
            return undefined;
        }
        if (!(await this.debounce(token)))
            return undefined;
        this.inFlight?.abort();
        const controller = new AbortController();
        this.inFlight = controller;
        const bridge = toAbortSignal(token);
        const version = document.version;
        try {
            const {prefix, suffix} = cursorContext(document, position.line, position.character);
            const result = await this.engine.complete({
                prefix,
                suffix,
                maxTokens: this.config.completionMaxTokens,
                maxTimeMs: this.config.completionMaxTimeMs,
                signal: AbortSignal.any([bridge.signal, controller.signal])
            });
            const summary = `${Math.round(result.totalMs)} ms, ${result.promptTokensEvaluated} evaluated / ` +
                `${result.promptTokensReused} reused, ${result.tokensPerSecond.toFixed(0)} tok/s`;
            this.log.debug(`completion at ${document.uri.fsPath}:${position.line + 1}:${position.character + 1}: ${summary}, stop ${result.stopReason}`);
            this.onCompletion(summary);
            // The document moved on while the model worked: this suggestion belongs to the past.
            if (token.isCancellationRequested || document.version !== version || result.text.trim() === "")
                return undefined;
            return [new vscode.InlineCompletionItem(result.text, new vscode.Range(position, position))];
        } catch (err) {
            if (!isAbortError(err))
                this.reportOnce(err instanceof ModelNotCapableError ? "not-capable" : String(err), `Completion failed: ${(err as Error).message ?? err}`);
            return undefined;
        } finally {
            bridge.dispose();
            if (this.inFlight === controller)
                this.inFlight = undefined;
        }
    }

    /** Waits out fast typing; false when the user typed again meanwhile. */
    private async debounce(token: vscode.CancellationToken): Promise<boolean> {
        const ms = this.config.completionDebounceMs;
        if (ms > 0)
            await new Promise((resolve) => setTimeout(resolve, ms));
        return !token.isCancellationRequested;
    }

    /** Background failures go to the log once each, not as a notification per keystroke. */
    private reportOnce(key: string, message: string): void {
        if (this.reportedProblems.has(key))
            return;
        this.reportedProblems.add(key);
        this.log.warn(message);
    }

    /** A new model deserves fresh one-time reports. */
    resetReports(): void {
        this.reportedProblems.clear();
    }
}
