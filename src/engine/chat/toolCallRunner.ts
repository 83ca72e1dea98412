import {randomUUID} from "node:crypto";
import type {ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, LlamaChatResponseFunctionCall} from "node-llama-cpp";
import {functionCallItem, withFunctionCall} from "./chatHistory";
import type {ChatTool} from "./chatTool";
import {settleToolCall} from "./settleToolCall";
import type {ToolCallPart} from "./chatTranscript";
import type {TurnEmitter} from "./turnEmitter";

export interface ToolCallRound {
    readonly tools: readonly ChatTool[];
    readonly emit: TurnEmitter;
    readonly signal: AbortSignal;
    /** The chat format groups calls made at once (the first one starts a new chunk). */
    readonly parallel: boolean;
    /** Record the calls without running them (the turn's tool-call limit was reached). */
    readonly skip: boolean;
    readonly history: ChatHistoryItem[];
    readonly contextWindow: ChatHistoryItem[];
}

/**
 * Runs the calls of one model reply, one after another (so approvals come one at a time), and
 * returns the histories with every call and its result appended. A tool that throws gives the
 * model its error message as the result; a stop cancels the calls not yet run.
 */
export async function runToolCalls(
    calls: readonly LlamaChatResponseFunctionCall<ChatModelFunctions>[],
    round: ToolCallRound
): Promise<{history: ChatHistoryItem[]; contextWindow: ChatHistoryItem[]}> {
    let {history, contextWindow} = round;
    for (const [i, call] of calls.entries()) {
        const part: ToolCallPart = {
            type: "toolCall",
            id: randomUUID(),
            name: call.functionName,
            params: call.params ?? {},
            status: round.skip ? "skipped" : "running",
            ...(round.parallel && i === 0 ? {startsNewChunk: true} : {})
        };
        const index = round.emit.add(part);
        const tool = round.tools.find((t) => t.name === call.functionName);
        await settleToolCall(part, tool, round);
        round.emit.update(index);
        const item: ChatModelFunctionCall = {...functionCallItem(part, tool?.description), rawCall: call.raw};
        history = withFunctionCall(history, item);
        contextWindow = withFunctionCall(contextWindow, item);
    }
    return {history, contextWindow};
}
