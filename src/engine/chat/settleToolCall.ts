import {isAbortError} from "../../util/abort";
import type {ChatTool} from "./chatTool";
import type {ToolCallPart} from "./chatTranscript";

/**
 * Runs one tool call and records how it went on its part: the tool's result, or its error
 * message as the result (the model reads it and can try again), or cancelled on a stop, or
 * skipped past the turn's tool-call limit. Shared by the in-process chat and the server chats.
 */
export async function settleToolCall(part: ToolCallPart, tool: ChatTool | undefined, round: {readonly signal: AbortSignal; readonly skip: boolean}): Promise<void> {
    if (round.skip) {
        part.result = "Not run: the limit of tool calls for one turn was reached.";
        part.summary = "Not run (tool-call limit reached)";
        return;
    }
    if (round.signal.aborted) {
        cancel(part);
        return;
    }
    if (tool == null) {
        part.status = "error";
        part.result = `Error: there is no tool named ${part.name}.`;
        return;
    }
    try {
        const outcome = await tool.invoke(part.params, {id: part.id, signal: round.signal});
        part.status = round.signal.aborted ? "cancelled" : outcome.status ?? "done";
        part.result = outcome.result;
        if (outcome.summary != null)
            part.summary = outcome.summary;
    } catch (err) {
        if (round.signal.aborted || isAbortError(err)) {
            cancel(part);
            return;
        }
        part.status = "error";
        part.result = `Error: ${err instanceof Error ? err.message : String(err)}`;
        part.summary = err instanceof Error ? err.message : String(err);
    }
}

function cancel(part: ToolCallPart): void {
    part.status = "cancelled";
    part.result = "Cancelled: the user stopped the chat before this call finished.";
    part.summary = "Cancelled";
}
