import {randomUUID} from "node:crypto";
import type {ChatBackend, ChatModelFacts} from "../../engine/chat/chatBackend";
import type {ChatTool} from "../../engine/chat/chatTool";
import type {AssistantTurn, ChatTurn, ToolCallPart} from "../../engine/chat/chatTranscript";
import {trimmedNotice, trimToBudget} from "../../engine/chat/promptTrim";
import {estimateTokens} from "../../engine/promptParts";
import {settleToolCall} from "../../engine/chat/settleToolCall";
import type {TurnRequest, TurnResult, TurnStopReason} from "../../engine/chat/toolChat";
import {TurnEmitter} from "../../engine/chat/turnEmitter";
import {ToolCallValidator} from "../../tools/toolCallValidator";
import {anySignal, isAbortError} from "../../util/abort";
import {SerialQueue} from "../../util/serialQueue";
import {callMessages, toWireMessages, toWireTool} from "./chatMessages";
import type {ChatWire, WireCall, WireMessage} from "./chatWire";

/** The assistant's settings as a server chat uses them, read when a turn starts. */
export interface ServerChatOptions {
    /** Default: 8. */
    readonly maxToolRounds?: number;
    /** Default: 1024. */
    readonly maxReplyTokens?: number;
    /** Default: 0.2. */
    readonly temperature?: number;
    /**
     * Most prompt tokens a turn sends, estimated from characters (servers do not count chat
     * prompts for us); over it, older turns and then tool descriptions are left out. 0: no limit
     * here (the server's context is the limit).
     */
    readonly promptBudgetTokens?: number;
    /** Test seam: make the model call a tool in every round (llama-server constrains it with a grammar). Default: auto. */
    readonly toolChoice?: "auto" | "required";
}

/**
 * The assistant's chat on a server: the server's chat template and tool-call parser do what
 * node-llama-cpp does in-process, and this class runs the same turn as ToolChat around it (rounds
 * of replies and tool calls, the same permission-checked tools, limits and notices). The server's
 * arguments are checked against each tool's schema before the tool runs, since a server need not
 * constrain them with a grammar. Turns run one at a time; a failure ends the turn with a notice.
 */
export class ServerChat implements ChatBackend {
    private facts: ChatModelFacts;
    private readonly queue = new SerialQueue();
    private readonly listeners = new Set<() => void>();
    private readonly scope = new AbortController();

    constructor(private readonly wire: ChatWire, modelName: string, private readonly options: () => ServerChatOptions = () => ({})) {
        this.facts = {fileName: modelName, chatWrapper: wire.label, supportsTools: true};
    }

    get model(): ChatModelFacts {
        return this.facts;
    }

    /** Asks the server about its model (name, tools); also the health probe. */
    async refresh(signal?: AbortSignal): Promise<ChatModelFacts> {
        const facts = await this.wire.facts(signal);
        const changed = JSON.stringify(facts) !== JSON.stringify(this.facts);
        this.facts = facts;
        if (changed)
            for (const listener of this.listeners)
                listener();
        return facts;
    }

    onDidChangeModel(listener: () => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    runTurn(request: TurnRequest): Promise<TurnResult> {
        return this.queue.run(() => this.turn(request));
    }

    /** Nothing to forget here: the server's prompt cache matches prompts by content. */
    forgetContext(): void {
        // Stateless between turns.
    }

    async dispose(): Promise<void> {
        this.scope.abort();
        this.listeners.clear();
        await this.queue.idle();
    }

    private async turn(request: TurnRequest): Promise<TurnResult> {
        const turn: AssistantTurn = {role: "assistant", parts: []};
        const emit = new TurnEmitter(turn, request.onEvent);
        const signal = anySignal([this.scope.signal, request.signal]);
        const toolsOffered = this.facts.supportsTools && request.tools.length > 0;
        const stopReason = await this.replies(request, emit, signal, toolsOffered).catch((err: unknown): TurnStopReason => {
            if (signal.aborted || isAbortError(err))
                return "stopped";
            emit.notice("error", err instanceof Error ? err.message : String(err));
            return "error";
        });
        if (stopReason === "stopped")
            emit.notice("info", this.scope.signal.aborted ? "Stopped: the assistant's server was changed." : "Stopped.");
        return {turn, stopReason, toolsOffered};
    }

    private async replies(request: TurnRequest, emit: TurnEmitter, signal: AbortSignal, toolsOffered: boolean): Promise<TurnStopReason> {
        const options = this.options();
        const fitted = fitServerPrompt(request, toolsOffered ? request.tools : [], options.promptBudgetTokens ?? 0);
        if (fitted.notice != null)
            emit.notice(fitted.fits ? "info" : "error", fitted.notice);
        if (!fitted.fits)
            return "error";
        const tools = fitted.tools;
        const validator = new ToolCallValidator(tools);
        const messages: WireMessage[] = toWireMessages(request.systemPrompt, fitted.history);
        const maxRounds = options.maxToolRounds ?? 8;
        for (let round = 0; ; round++) {
            const reply = await this.wire.reply({
                messages, tools: tools.map(toWireTool), temperature: options.temperature ?? 0.2, maxTokens: options.maxReplyTokens ?? 1024,
                ...(options.toolChoice != null && tools.length > 0 ? {toolChoice: options.toolChoice} : {}),
                ...(request.script?.[round] != null ? {prefill: request.script[round]} : {})
            }, (text) => emit.text(text), signal);
            emit.endText();
            if (signal.aborted)
                return "stopped";
            if (reply.calls.length === 0) {
                if (reply.finish === "length")
                    emit.notice("warning", "The reply reached its length limit and was cut off.");
                if (reply.text !== "")
                    messages.push({role: "assistant", content: reply.text});
                return reply.finish === "length" ? "maxTokens" : "done";
            }
            const limitReached = round >= maxRounds;
            const parts = await runCalls(reply.calls, tools, validator, emit, signal, limitReached);
            messages.push(...callMessages(reply.text, parts));
            if (signal.aborted)
                return "stopped";
            if (limitReached) {
                emit.notice("warning", `Stopped after ${maxRounds} rounds of tool calls in one turn. Ask to continue if more is needed.`);
                return "toolRoundLimit";
            }
        }
    }
}

/**
 * The turn's history and tools within `budget` estimated tokens (0: all of them), by the same rule
 * as in-process (trimToBudget); the estimate errs towards counting more than the server will.
 */
export function fitServerPrompt(request: TurnRequest, tools: readonly ChatTool[], budget: number): {
    history: readonly ChatTurn[]; tools: readonly ChatTool[]; fits: boolean; notice?: string;
} {
    if (budget <= 0)
        return {history: request.history, tools, fits: true};
    const plan = trimToBudget(request.history, {
        system: estimateTokens(request.systemPrompt),
        turns: request.history.map((turn) => estimateTokens(JSON.stringify(turn))),
        tools: tools.map((t) => ({name: t.name, tokens: estimateTokens(JSON.stringify(toWireTool(t))), optional: t.optional === true}))
    }, budget);
    if (!plan.fits)
        return {history: request.history, tools, fits: false, notice: `The new message and the system prompt alone take about ${plan.total.toLocaleString("en-US")} tokens, ` +
            `over the prompt budget of ${budget.toLocaleString("en-US")} (quantpilot.assistant.promptBudgetTokens).`};
    const notice = trimmedNotice(plan, budget);
    return {history: request.history.slice(plan.firstTurn), tools: tools.filter((t) => plan.tools.includes(t.name)), fits: true, ...(notice != null ? {notice} : {})};
}

/** Runs one reply's calls one after another (approvals come one at a time), after checking each against its schema. */
async function runCalls(
    calls: readonly WireCall[], tools: readonly ChatTool[], validator: ToolCallValidator, emit: TurnEmitter, signal: AbortSignal, skip: boolean
): Promise<ToolCallPart[]> {
    const parts: ToolCallPart[] = [];
    for (const [i, call] of calls.entries()) {
        const part: ToolCallPart = {
            type: "toolCall", id: randomUUID(), name: call.name, params: call.arguments ?? {},
            status: skip ? "skipped" : "running", ...(i === 0 && calls.length > 1 ? {startsNewChunk: true} : {})
        };
        const index = emit.add(part);
        const tool = tools.find((t) => t.name === call.name);
        const problem = tool == null || skip ? undefined : typeof call.arguments === "string"
            ? "the arguments are not valid JSON" : validator.check(call.name, call.arguments);
        if (problem != null) {
            part.status = "error";
            part.result = `Error: ${problem}. Call ${call.name} again with arguments that match its schema.`;
            part.summary = `Invalid arguments: ${problem}`;
        } else {
            await settleToolCall(part, tool, {signal, skip});
        }
        emit.update(index);
        parts.push(part);
    }
    return parts;
}
