import * as vscode from "vscode";
import type {Config} from "../../config";
import type {CompletionBackend} from "../completionRequest";
import {ModelNotCapableError} from "../../engine/errors";
import {isAbortError} from "../../util/abort";
import type {Logger} from "../../util/logger";
import {toAbortSignal} from "../../vscodeUtil/cancellation";
import {summarizeMetrics, type CompletionMetrics} from "../completionMetrics";
import {CompletionService, type SuggestRequest} from "../completionService";
import {CompletionSettingsReader} from "./completionSettings";
import {ContextTracker} from "./contextTracker";
import {DEFAULT_TEXT_WINDOW} from "../cursorText";
import {cursorContext, looksBinary} from "../documentContext";

/**
 * Inline (ghost text) completions from the loaded model with fill-in-the-middle. The VS Code side
 * only: which documents qualify, the cursor's text, cancellation, and what to show. The work itself
 * (cache, reuse while typing, one request at a time, idle-time prefetch) is `CompletionService`'s.
 * Failures are logged once, never shown per keystroke.
 */
export class QuantPilotInlineProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
    readonly service: CompletionService;
    private readonly settings: CompletionSettingsReader;
    private readonly tracker: ContextTracker;
    private readonly reportedProblems = new Set<string>();
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly engine: CompletionBackend,
        private readonly config: Config,
        private readonly log: Logger,
        /** Gets a one-line summary of each answered request (status bar). */
        private readonly onCompletion: (summary: string) => void
    ) {
        this.settings = new CompletionSettingsReader(config);
        this.service = new CompletionService(engine, () => this.settings.read(), log);
        this.tracker = new ContextTracker(this.service, this.settings, (doc, position) => this.requestAt(doc, position, false));
        const metrics = this.service.onMetrics((m) => this.onMetrics(m));
        this.disposables.push(this.tracker, {dispose: () => metrics.dispose()}, {dispose: () => this.service.dispose()});
    }

    async provideInlineCompletionItems(
        document: vscode.TextDocument,
        position: vscode.Position,
        context: vscode.InlineCompletionContext,
        token: vscode.CancellationToken
    ): Promise<vscode.InlineCompletionItem[] | undefined> {
        const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
        const request = this.requestAt(document, position, explicit);
        if (request == null)
            return undefined;
        const version = document.version;
        const bridge = toAbortSignal(token);
        try {
            const answer = await this.service.suggest(request, bridge.signal);
            // The document moved on while the model worked: this suggestion belongs to the past.
            if (answer == null || token.isCancellationRequested || document.version !== version)
                return undefined;
            this.log.debug(`completion ${request.fileName ?? document.uri.toString()}:${position.line + 1}:${position.character + 1} ` +
                `${answer.source} ${Math.round(answer.latencyMs)} ms, ${answer.texts.length} suggestion(s)` +
                (answer.result != null ? `, prompt ${answer.result.promptTokens} (${answer.result.promptTokensEvaluated} evaluated / ` +
                    `${answer.result.promptTokensReused} reused), ${answer.result.tokens} tokens, stop ${answer.result.stopReason}` : ""));
            return answer.texts.map((text) => new vscode.InlineCompletionItem(text, new vscode.Range(position, position)));
        } catch (err) {
            if (!isAbortError(err))
                this.reportOnce(err instanceof ModelNotCapableError ? "not-capable" : String(err), `Completion failed: ${(err as Error).message ?? err}`);
            return undefined;
        } finally {
            bridge.dispose();
        }
    }

    /** The service's request for a cursor position, or undefined when completions must not run here. */
    private requestAt(document: vscode.TextDocument, position: vscode.Position, explicit: boolean): SuggestRequest | undefined {
        const model = this.engine.model;
        if (!this.config.completionsEnabled || model == null)
            return undefined;
        if (!model.hasFim) {
            this.reportOnce("no-fim", `${model.fileName} has no fill-in-the-middle tokens; inline completions are off for it. ` +
                "Pick a code model trained for FIM (for example Qwen2.5-Coder).");
            return undefined;
        }
        if (!this.settings.allows(document))
            return undefined;
        const text = cursorContext(document, position.line, position.character, {...DEFAULT_TEXT_WINDOW, ...this.settings.read().window});
        if (looksBinary(text))
            return undefined;
        const folder = vscode.workspace.getWorkspaceFolder(document.uri);
        return {
            documentKey: document.uri.toString(),
            line: position.line,
            prefix: text.prefix,
            suffix: text.suffix,
            fileName: vscode.workspace.asRelativePath(document.uri, false),
            ...(folder != null ? {repoName: folder.name} : {}),
            explicit
        };
    }

    private onMetrics(metrics: CompletionMetrics): void {
        if (metrics.kind === "suggestion")
            this.onCompletion(summarizeMetrics(metrics));
        else
            this.log.trace(`completion ${summarizeMetrics(metrics)}: ${metrics.model.promptTokensEvaluated} evaluated / ${metrics.model.promptTokensReused} reused`);
    }

    /** Background failures go to the log once each, not as a notification per keystroke. */
    private reportOnce(key: string, message: string): void {
        if (this.reportedProblems.has(key))
            return;
        this.reportedProblems.add(key);
        this.log.warn(message);
    }

    /** A new model deserves fresh one-time reports, and its own cache. */
    resetReports(): void {
        this.reportedProblems.clear();
        this.service.cache.clear();
    }

    dispose(): void {
        for (const d of this.disposables.splice(0).reverse())
            d.dispose();
    }
}
