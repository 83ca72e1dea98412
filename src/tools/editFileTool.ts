import {applyFindReplace} from "./findReplace";
import {decodeText} from "./textContent";
import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

interface Params {
    readonly path: string;
    readonly find: string;
    readonly replace: string;
}

export const editFileTool: ToolDefinition<Params> = {
    name: "editFile",
    description: "Edit a file by replacing one exact snippet (find, which must occur once) with new text (replace). " +
        "The user reviews the diff before it is applied.",
    kind: "change",
    params: objectSchema({
        path: {type: "string", description: "Path relative to the workspace"},
        find: {type: "string", description: "Exact text to replace, copied from the file"},
        replace: {type: "string", description: "New text"}
    }),
    async run(params, env) {
        const path = await env.paths.resolve(params.path);
        const display = env.paths.display(path);
        const bytes = await env.readBytes(path).catch((err: unknown) => {
            throw new ToolError((err as {code?: string}).code === "ENOENT"
                ? `${display} does not exist. Use createFile to make a new file.` : `Cannot read ${display}: ${(err as Error).message}`);
        });
        const before = decodeText(bytes, display);
        const after = applyFindReplace(before, params.find, params.replace, display);
        if (after === before)
            return {result: `The replacement leaves ${display} unchanged; nothing to do.`, summary: `No change to ${display}`};
        const decision = await env.proposeChange({path, displayPath: display, before, after, toolName: "editFile"});
        return decision === "accepted"
            ? {result: `Edited ${display}.`, summary: `Edited ${display}`}
            : {result: `The user rejected the edit to ${display}; the file is unchanged.`, summary: `Not edited: ${display} (rejected)`, status: "rejected"};
    }
};
