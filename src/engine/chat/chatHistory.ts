import type {ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse} from "node-llama-cpp";
import type {AssistantTurn, ChatTurn, ToolCallPart} from "./chatTranscript";

/** The transcript as node-llama-cpp's chat history: notices are for people, not the model. */
export function toChatHistory(systemPrompt: string, turns: readonly ChatTurn[]): ChatHistoryItem[] {
    const history: ChatHistoryItem[] = [{type: "system", text: systemPrompt}];
    for (const turn of turns) {
        if (turn.role === "user")
            history.push({type: "user", text: turn.text});
        else
            history.push(modelResponse(turn));
    }
    return history;
}

function modelResponse(turn: AssistantTurn): ChatModelResponse {
    const response: ChatModelResponse["response"] = [];
    for (const part of turn.parts) {
        if (part.type === "text" && part.text !== "")
            response.push(part.text);
        else if (part.type === "toolCall")
            response.push(functionCallItem(part));
    }
    return {type: "model", response};
}

export function functionCallItem(part: ToolCallPart, description?: string): ChatModelFunctionCall {
    return {
        type: "functionCall",
        name: part.name,
        ...(description != null ? {description} : {}),
        params: part.params,
        result: part.result ?? null,
        ...(part.startsNewChunk === true ? {startsNewChunk: true} : {})
    };
}

/** History with a function call (and its result) appended to the model's last response. */
export function withFunctionCall(history: readonly ChatHistoryItem[], call: ChatModelFunctionCall): ChatHistoryItem[] {
    const next = history.slice();
    const last = next[next.length - 1];
    const response: ChatModelResponse = last?.type === "model" ? {type: "model", response: [...last.response, call]} : {type: "model", response: [call]};
    if (last?.type === "model")
        next[next.length - 1] = response;
    else
        next.push(response);
    return next;
}
