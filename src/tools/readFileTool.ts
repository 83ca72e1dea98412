import {decodeText, sliceLines} from "./textContent";
import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

interface Params {
    readonly path: string;
    readonly startLine: number | null;
    readonly endLine: number | null;
}

export const readFileTool: ToolDefinition<Params> = {
    name: "readFile",
    description: "Read a text file. startLine and endLine (1-based) read part of a large file; null reads it all.",
    kind: "read",
    params: objectSchema({
        path: {type: "string", description: "Path relative to the workspace"},
        startLine: {type: ["integer", "null"], description: "First line, or null"},
        endLine: {type: ["integer", "null"], description: "Last line, or null"}
    }),
    async run(params, env) {
        const path = await env.paths.resolve(params.path);
        const display = env.paths.display(path);
        const bytes = await env.readBytes(path).catch((err: unknown) => {
            throw (err as {code?: string}).code === "ENOENT"
                ? new ToolError(`There is no file ${display}. Use findFiles or listDirectory to find the right path.`) : err;
        });
        const text = decodeText(bytes, display);
        const slice = sliceLines(text, params.startLine, params.endLine, env.limits);
        const header = `${display} (lines ${slice.firstLine}-${slice.lastLine} of ${slice.totalLines}):`;
        return {
            result: [header, slice.text, ...(slice.note != null ? [`[${slice.note}]`] : [])].join("\n"),
            summary: `Read ${display}, lines ${slice.firstLine}-${slice.lastLine} of ${slice.totalLines}${slice.note != null ? " (truncated)" : ""}`
        };
    }
};
