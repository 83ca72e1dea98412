import {randomUUID} from "node:crypto";
import type {ChatHistoryItem, ChatModelFunctions, LlamaChatResponse, LlamaChatResponseFunctionCall} from "node-llama-cpp";
import {isAbortError} from "../../util/abort";
import {SerialQueue} from "../../util/serialQueue";
import {NoModelLoadedError} from "../errors";
import type {LoadedModel} from "../loadedModel";
import {promptPartsTotal} from "../promptParts";
import type {RequestMetricsSink} from "../requestMetrics";
import {toChatFunctions} from "./chatFunctions";
import {callsWrittenAsCodeBlocks, withLastResponseText} from "./codeBlockToolCall";
import {describeChatError} from "./chatErrors";
import {toChatHistory} from "./chatHistory";
import {fitPrompt} from "./chatPromptBudget";
import {ReplyMeter} from "./replyMeter";
import {ChatModelSession} from "./chatModelSession";
import type {ChatTool} from "./chatTool";
import type {AssistantTurn, ChatTurn} from "./chatTranscript";
import {TurnEmitter, type TurnEvent} from "./turnEmitter";
import {runToolCalls} from "./toolCallRunner";
import {createScriptedTokenBias} from "./scriptedTokenBias";

/** Options for the assistant's chat; every field has a default. */
export interface ToolChatOptions {
    /** Most rounds of tool calls in one turn before the turn stops. Default: 8. */
    readonly maxToolRounds?: number;
    /** Most calls the model may make at once, where its chat format allows several. Default: 4. */
    readonly maxParallelToolCalls?: number;
    /** Most tokens in one reply between tool calls. Default: 1024. */
    readonly maxReplyTokens?: number;
    /** Sampling temperature; 0 is greedy. Default: 0.2. */
    readonly temperature?: number;
    /**
     * Most prompt tokens a turn sends (system prompt, tool descriptions, history, new message);
     * older turns and then tool descriptions are left out to fit. 0 or absent: the context size
     * minus `maxReplyTokens`.
     */
    readonly promptBudgetTokens?: number;
}

export interface TurnRequest {
    readonly systemPrompt: string;
    /** The conversation so far, ending with the user's new message. */
    readonly history: readonly ChatTurn[];
    /** Tools offered to the model; ignored when its chat format has no tool support. */
    readonly tools: readonly ChatTool[];
    readonly signal?: AbortSignal;
    readonly onEvent?: (event: TurnEvent) => void;
    /**
     * Test seam, never set in normal use: for the n-th model reply of the turn, text the model is
     * made to produce token by token (see createScriptedTokenBias).
     */
    readonly script?: readonly string[];
    /**
     * The caller runs the tools (VS Code's language model API): the turn ends at the first reply
     * that calls any, with those calls recorded unrun (status `skipped`), and stop reason
     * `toolCalls`. A history that ends with the assistant's calls and their results continues
     * that reply. Default: false (the chat runs the tools itself).
     */
    readonly returnToolCalls?: boolean;
}

export type TurnStopReason = "done" | "stopped" | "toolRoundLimit" | "maxTokens" | "toolCalls" | "error";

export interface TurnResult {
    readonly turn: AssistantTurn;
    readonly stopReason: TurnStopReason;
    readonly toolsOffered: boolean;
}

/** Where the chat finds the loaded model: LocalEngine, or a test double. */
export interface ChatModelSource {
    readonly loaded: LoadedModel | undefined;
    /** Told how each reply went (the panel listens), when present. */
    readonly requests?: RequestMetricsSink;
    onDidChangeModel(listener: () => void): {dispose(): void};
}

/**
 * A chat with function calling on the loaded model, through the model's own chat template
 * (node-llama-cpp's chat wrappers) and with calls constrained by a grammar built from each
 * tool's schema, so every call parses and matches. Turns run one at a time; each ends with an
 * assistant turn, whatever fails: tool errors go back to the model, anything else becomes a
 * notice. The chat's context is its own and goes away when the model changes.
 */
export class ToolChat {
    private session: Promise<ChatModelSession> | undefined;
    private readonly queue = new SerialQueue();
    private modelScope = new AbortController();
    private readonly subscription: {dispose(): void};

    /** `options` may be a function: it is then read at the start of every turn, so settings apply live. */
    constructor(private readonly source: ChatModelSource, private readonly options: ToolChatOptions | (() => ToolChatOptions) = {}) {
        this.subscription = source.onDidChangeModel(() => {
            // Stop the running turn now; its context goes with the old model.
            this.modelScope.abort();
            this.modelScope = new AbortController();
            void this.disposeSession();
        });
    }

    runTurn(request: TurnRequest): Promise<TurnResult> {
        return this.queue.run(() => this.turn(request));
    }

    /** Forgets what the last reply left in the context (a new or different conversation). */
    forgetContext(): void {
        void this.session?.then((s) => s.forgetLastEvaluation(), () => undefined);
    }

    /** What the chat's context holds now, special tokens included: for tests and debug logs. */
    async contextText(): Promise<string | undefined> {
        const session = await this.session?.catch(() => undefined);
        return session == null || session.disposed ? undefined : session.loaded.model.detokenize(session.sequence.contextTokens, true);
    }

    async dispose(): Promise<void> {
        this.subscription.dispose();
        this.modelScope.abort();
        await this.disposeSession();
    }

    private async turn(request: TurnRequest): Promise<TurnResult> {
        const turn: AssistantTurn = {role: "assistant", parts: []};
        const emit = new TurnEmitter(turn, request.onEvent);
        let session: ChatModelSession;
        try {
            session = await this.currentSession();
        } catch (err) {
            emit.notice("error", err instanceof Error ? err.message : String(err));
            return {turn, stopReason: "error", toolsOffered: false};
        }
        const modelScope = this.modelScope.signal;
        const signal = AbortSignal.any([modelScope, ...(request.signal != null ? [request.signal] : [])]);
        const toolsOffered = session.supportsTools && request.tools.length > 0;
        const stopReason = await this.replies(session, request, emit, signal, toolsOffered).catch((err: unknown) => {
            if (signal.aborted || isAbortError(err))
                return "stopped" as const;
            emit.notice("error", describeChatError(err, session.loaded.description.contextSize));
            session.forgetLastEvaluation();
            return "error" as const;
        });
        if (stopReason === "stopped")
            emit.notice("info", modelScope.aborted ? "Stopped: the model was changed." : "Stopped.");
        return {turn, stopReason, toolsOffered};
    }

    private async replies(session: ChatModelSession, request: TurnRequest, emit: TurnEmitter, signal: AbortSignal, toolsOffered: boolean): Promise<TurnStopReason> {
        const options = typeof this.options === "function" ? this.options() : this.options;
        const budget = promptBudget(session.loaded.description.contextSize, options);
        const fitted = fitPrompt(session, request.systemPrompt, request.history, toolsOffered ? request.tools : [], budget);
        if (!fitted.fits) {
            emit.notice("error", `The new message and the system prompt alone take ${promptPartsTotal(fitted.parts).toLocaleString("en-US")} tokens, ` +
                `over the prompt budget of ${budget.toLocaleString("en-US")}. Shorten the message, or raise quantpilot.assistant.promptBudgetTokens or quantpilot.contextSize.`);
            return "error";
        }
        if (fitted.notice != null)
            emit.notice("info", fitted.notice);
        const tools = fitted.tools;
        const functions = toolsOffered && tools.length > 0 ? toChatFunctions(tools) : undefined;
        let history = withOpenResponse(toChatHistory(request.systemPrompt, fitted.history));
        // A trimmed history starts elsewhere than the window the last reply left: let it be evaluated as sent.
        const trimmed = fitted.history.length < request.history.length;
        let contextWindow = !trimmed && session.windowMatches(request.history.slice(0, -1)) ? nextContextWindow(session.lastContextWindow, request.history) : undefined;
        const maxRounds = options.maxToolRounds ?? 8;
        const meter = new ReplyMeter(session, fitted.parts);
        for (let round = 0; ; round++) {
            const script = request.script?.[round];
            session.guessAhead(script == null);
            meter.start();
            const response = await session.chat.generateResponse(history, {
                ...(functions != null ? {functions, documentFunctionParams: true, maxParallelFunctionCalls: options.maxParallelToolCalls ?? 4} : {}),
                signal,
                stopOnAbortSignal: true,
                maxTokens: options.maxReplyTokens ?? 1024,
                // A scripted reply is greedy: its end is forced by forbidding all but the end-of-generation
                // tokens, and sampling could pick one (like <|fim_pad|>) that does not end a call section.
                temperature: script != null ? 0 : options.temperature ?? 0.2,
                onTextChunk: (text) => {
                    meter.text();
                    emit.text(text);
                },
                ...(script != null ? {tokenBias: await createScriptedTokenBias(session.loaded.model, session.sequence, script)} : {}),
                lastEvaluationContextWindow: {history: contextWindow, minimumOverlapPercentageToPreventContextShift: 0.5},
                contextShift: {lastEvaluationMetadata: session.lastShiftMetadata}
            }) as LlamaChatResponse<ChatModelFunctions>;
            meter.finish(this.source.requests);
            history = response.lastEvaluation.cleanHistory;
            contextWindow = response.lastEvaluation.contextWindow;
            session.lastShiftMetadata = response.lastEvaluation.contextShiftMetadata as object | null | undefined;
            session.lastContextWindow = contextWindow;
            emit.endText();
            let calls = response.functionCalls ?? [];
            const written = calls.length === 0 && toolsOffered ? callsWrittenAsCodeBlocks(response.response, tools) : undefined;
            if (written != null) {
                calls = written.calls;
                history = withLastResponseText(history, written.textWithoutCalls);
                contextWindow = withLastResponseText(contextWindow, written.textWithoutCalls);
                emit.replaceLastText(written.textWithoutCalls);
            }
            session.rememberWindowFor([...request.history, emit.turn]);
            if (response.metadata.stopReason === "abort" || signal.aborted)
                return "stopped";
            if (calls.length === 0) {
                if (response.metadata.stopReason === "maxTokens")
                    emit.notice("warning", "The reply reached its length limit and was cut off.");
                return response.metadata.stopReason === "maxTokens" ? "maxTokens" : "done";
            }
            if (request.returnToolCalls === true) {
                recordCalls(calls, emit, session.parallelCalls);
                return "toolCalls";
            }
            const limitReached = round >= maxRounds;
            const ran = await runToolCalls(calls, {tools, emit, signal, parallel: session.parallelCalls, skip: limitReached, history, contextWindow});
            history = ran.history;
            contextWindow = ran.contextWindow;
            session.lastContextWindow = contextWindow;
            session.rememberWindowFor([...request.history, emit.turn]);
            if (signal.aborted)
                return "stopped";
            if (limitReached) {
                emit.notice("warning", `Stopped after ${maxRounds} rounds of tool calls in one turn. Ask to continue if more is needed.`);
                return "toolRoundLimit";
            }
        }
    }

    private currentSession(): Promise<ChatModelSession> {
        const loaded = this.source.loaded;
        if (loaded == null || loaded.disposed)
            return Promise.reject(new NoModelLoadedError());
        const existing = this.session;
        if (existing != null)
            return existing.then((s) => s.loaded === loaded && !s.disposed ? s : this.replaceSession(loaded), () => this.replaceSession(loaded));
        return this.replaceSession(loaded);
    }

    private async replaceSession(loaded: LoadedModel): Promise<ChatModelSession> {
        await this.disposeSession();
        const created = ChatModelSession.create(loaded);
        this.session = created;
        return created;
    }

    /** Frees the chat's context (the model changed or went away). */
    private async disposeSession(): Promise<void> {
        const previous = this.session;
        this.session = undefined;
        const session = await previous?.catch(() => undefined);
        await session?.dispose().catch(() => undefined);
    }
}

/** Room kept for the chat template's own tokens beyond the counted prompt. */
const BUDGET_MARGIN = 16;

/** The prompt budget: the setting, within the context; by default what the reply leaves of the context. */
export function promptBudget(contextSize: number, options: ToolChatOptions): number {
    const configured = options.promptBudgetTokens ?? 0;
    if (configured > 0)
        return Math.min(configured, contextSize - BUDGET_MARGIN);
    // A reply limit near the context size would leave nothing: a quarter of the context at least.
    return Math.max(Math.floor(contextSize / 4), contextSize - (options.maxReplyTokens ?? 1024) - BUDGET_MARGIN);
}

/** The history with the model's reply to continue: a new one after the user, else its last one (after tool results). */
function withOpenResponse(history: ChatHistoryItem[]): ChatHistoryItem[] {
    return history[history.length - 1]?.type === "model" ? history : [...history, {type: "model", response: []}];
}

/** Calls the caller runs: shown in the turn as they were made, not run here. */
function recordCalls(calls: readonly LlamaChatResponseFunctionCall<ChatModelFunctions>[], emit: TurnEmitter, parallel: boolean): void {
    for (const [i, call] of calls.entries())
        emit.add({
            type: "toolCall", id: randomUUID(), name: call.functionName, params: call.params ?? {}, status: "skipped",
            ...(parallel && i === 0 ? {startsNewChunk: true} : {})
        });
}

/** The last context window extended by the new user message, so its evaluated prefix is reused. */
function nextContextWindow(last: ChatHistoryItem[] | undefined, history: readonly ChatTurn[]): ChatHistoryItem[] | undefined {
    const user = history[history.length - 1];
    if (last == null || user?.role !== "user")
        return undefined;
    return [...last, {type: "user", text: user.text}, {type: "model", response: []}];
}
