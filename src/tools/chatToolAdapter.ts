import type {ChatTool, ChatToolCall} from "../engine/chat/chatTool";
import type {ToolDefinition, ToolEnvironment} from "./toolDefinition";

/**
 * A workspace tool as the chat engine sees it. The environment is made per call, so it carries
 * the call's id (for approvals shown next to it) and its abort signal.
 */
export function asChatTool(tool: ToolDefinition<never>, environment: (call: ChatToolCall) => ToolEnvironment): ChatTool {
    return {
        name: tool.name,
        description: tool.description,
        ...(tool.params != null ? {params: tool.params} : {}),
        async invoke(params, call) {
            const output = await (tool as ToolDefinition<unknown>).run(params ?? {}, environment(call));
            return {result: output.result, summary: output.summary, status: output.status ?? "done"};
        }
    };
}
