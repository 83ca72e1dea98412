import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

const MAX_ENTRIES = 200;

interface Params {
    readonly path: string;
}

export const listDirectoryTool: ToolDefinition<Params> = {
    name: "listDirectory",
    description: "List the files and subfolders of a folder (subfolders end with /). Use \".\" for the workspace root.",
    kind: "read",
    params: objectSchema({
        path: {type: "string", description: "Folder path relative to the workspace"}
    }),
    async run(params, env) {
        const path = await env.paths.resolve(params.path === "" ? "." : params.path);
        const display = env.paths.display(path);
        let entries;
        try {
            entries = await env.listDirectory(path);
        } catch (err) {
            const code = (err as {code?: string}).code;
            throw new ToolError(code === "ENOTDIR" ? `${display} is a file, not a folder; use readFile to read it.` :
                code === "ENOENT" ? `There is no folder ${display}.` : `Cannot list ${display}: ${(err as Error).message}`);
        }
        const sorted = [...entries].sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name));
        const lines = sorted.slice(0, MAX_ENTRIES).map((e) => e.isDirectory ? `${e.name}/` : e.name);
        if (sorted.length > MAX_ENTRIES)
            lines.push(`[${sorted.length - MAX_ENTRIES} more entries not shown]`);
        return {
            result: lines.length === 0 ? `${display} is empty.` : `${display}:\n${lines.join("\n")}`,
            summary: `Listed ${display} (${entries.length} entries)`
        };
    }
};
