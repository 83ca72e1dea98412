import {checkCreatable} from "./fileAccessRules";
import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

interface Params {
    readonly path: string;
    readonly content: string;
}

export const createFileTool: ToolDefinition<Params> = {
    name: "createFile",
    description: "Create a new file. The user reviews it as a diff before it is written.",
    kind: "change",
    params: objectSchema({
        path: {type: "string", description: "Path relative to the workspace"},
        content: {type: "string", description: "Full content of the file"}
    }),
    async run(params, env) {
        const path = await env.paths.resolve(params.path);
        const display = env.paths.display(path);
        if (path.relative === "" || params.path.endsWith("/"))
            throw new ToolError(`"${params.path}" names a folder; give a file path.`);
        await checkCreatable(path, display);
        const decision = await env.proposeChange({path, displayPath: display, before: null, after: params.content, toolName: "createFile"});
        return decision === "accepted"
            ? {result: `Created ${display}.`, summary: `Created ${display}`}
            : {result: `The user rejected creating ${display}; nothing was written.`, summary: `Not created: ${display} (rejected)`, status: "rejected"};
    }
};
