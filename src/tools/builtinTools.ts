import {createFileTool} from "./createFileTool";
import {diagnosticsTool} from "./diagnosticsTool";
import {editFileTool} from "./editFileTool";
import {editorContextTool} from "./editorContextTool";
import {findFilesTool} from "./findFilesTool";
import {listDirectoryTool} from "./listDirectoryTool";
import {readFileTool} from "./readFileTool";
import {runCommandTool} from "./runCommandTool";
import {searchTextTool} from "./searchTextTool";
import type {ToolDefinition} from "./toolDefinition";

/** The assistant's own tools, in the order the model is told about them. */
export const BUILTIN_TOOLS: readonly ToolDefinition<never>[] = [
    readFileTool,
    listDirectoryTool,
    findFilesTool,
    searchTextTool,
    diagnosticsTool,
    editorContextTool,
    createFileTool,
    editFileTool,
    runCommandTool
];
