import type {ChatBackend} from "../engine/chat/chatBackend";
import type {TurnResult} from "../engine/chat/toolChat";
import {toConversation, type LmMessage} from "./lmMessages";
import {mapRequestTools, type LmRequestTool} from "./lmToolSchemas";

/** Said to the model when the caller sends no system message. Short: every token is paid on each request. */
export const LM_SYSTEM_PROMPT = "You are a helpful assistant. You run offline on a local model inside VS Code.";

/** One request of another extension to the loaded model, as plain data. */
export interface LmChatRequest {
    /** The id of the model the caller chose (see lmModelInfo). */
    readonly modelId: string;
    readonly messages: readonly LmMessage[];
    readonly tools: readonly LmRequestTool[];
    /** The caller asked for a tool call (`LanguageModelChatToolMode.Required`). */
    readonly toolsRequired: boolean;
    readonly signal: AbortSignal;
    onText(text: string): void;
    onToolCall(call: {readonly callId: string; readonly name: string; readonly input: object}): void;
    /** Lines for the log (tools left out, why a request ended). */
    log?(line: string): void;
    /** Test seam, as in TurnRequest.script: never set in normal use. */
    readonly script?: readonly string[];
}

/** An error whose message is what the calling extension (and its user) should read. */
export class LmRequestError extends Error {
    override readonly name = "LmRequestError";
}

/**
 * Runs a request on the assistant's chat engine, so calls are made exactly as the assistant
 * makes them (the model's chat template, a grammar from each tool's schema), but the tools are
 * returned to the caller instead of run. Text streams through `onText`; a cancel through
 * `signal` ends the request quietly; anything else that stops it throws with a message.
 */
export async function runLmRequest(chat: Pick<ChatBackend, "model" | "runTurn">, request: LmChatRequest): Promise<void> {
    checkModel(chat, request);
    const tools = mapRequestTools(request.tools);
    for (const skipped of tools.skipped)
        request.log?.(`Language model API: not offering ${skipped.name} to the model: ${skipped.reason}`);
    const conversation = toConversation(request.messages, tools.modelName);
    if (conversation.history.length === 0)
        throw new LmRequestError("The request has no message for the model.");
    const result = await chat.runTurn({
        systemPrompt: conversation.system ?? LM_SYSTEM_PROMPT,
        history: conversation.history,
        tools: tools.tools,
        signal: request.signal,
        returnToolCalls: true,
        ...(request.script != null ? {script: request.script} : {}),
        onEvent: (event) => {
            if (event.type === "text")
                request.onText(event.text);
            else if (event.part.type === "toolCall")
                request.onToolCall({callId: event.part.id, ...tools.callerCall(event.part.name, event.part.params)});
        }
    });
    request.log?.(`Language model API: request ended (${result.stopReason}), ${result.turn.parts.filter((p) => p.type === "toolCall").length} tool calls`);
    throwIfFailed(result, request.signal);
}

function checkModel(chat: Pick<ChatBackend, "model">, request: LmChatRequest): void {
    const model = chat.model;
    if (model == null)
        throw new LmRequestError("QuantPilot has no model loaded. Load one (QuantPilot: Select Model File\u2026 or the QuantPilot Models view), then ask again.");
    if (model.fileName !== request.modelId)
        throw new LmRequestError(`QuantPilot no longer has ${request.modelId} loaded (it now serves ${model.fileName}). Choose the model again.`);
    if (request.toolsRequired && !model.supportsTools)
        throw new LmRequestError(`${model.fileName} cannot call tools: its chat template has no tool support (${model.chatWrapper} format).`);
}

/** A failed turn ends with an error notice; a stop the caller did not ask for (a model switch) is a failure too. */
function throwIfFailed(result: TurnResult, signal: AbortSignal): void {
    if (result.stopReason === "stopped" && signal.aborted)
        return;
    if (result.stopReason !== "error" && result.stopReason !== "stopped")
        return;
    const notices = result.turn.parts.filter((p) => p.type === "notice");
    throw new LmRequestError(notices[notices.length - 1]?.text ?? "The model stopped without an answer.");
}
