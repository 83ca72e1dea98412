import type {ToolDefinition} from "./toolDefinition";

export const editorContextTool: ToolDefinition<Record<string, never>> = {
    name: "getEditorContext",
    description: "Get the active file, the text the user selected in it, and the open editors.",
    kind: "read",
    params: undefined,
    async run(_params, env) {
        const context = await env.editorContext();
        const lines = [
            `Active file: ${context.activeFile ?? "none"}`,
            context.selection != null
                ? `Selection (lines ${context.selection.startLine}-${context.selection.endLine}):\n${context.selection.text}`
                : "Selection: none",
            `Open editors: ${context.openFiles.length === 0 ? "none" : context.openFiles.join(", ")}`
        ];
        return {
            result: lines.join("\n"),
            summary: context.activeFile != null ? `Looked at the editor (${context.activeFile})` : "Looked at the editor (no file open)"
        };
    }
};
