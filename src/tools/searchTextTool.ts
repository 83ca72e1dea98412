import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

const MAX_MATCHES = 50;
const MAX_LINE_CHARS = 200;

interface Params {
    readonly query: string;
    readonly include: string | null;
}

export const searchTextTool: ToolDefinition<Params> = {
    name: "searchText",
    description: "Search the workspace files for exact text. Returns each matching line as path:line: text.",
    kind: "read",
    params: objectSchema({
        query: {type: "string", description: "Exact text to find"},
        include: {type: ["string", "null"], description: "Glob of files to search, or null for all"}
    }),
    async run(params, env) {
        if (params.query === "")
            throw new ToolError("The search text is empty.");
        const matches = await env.searchText(params.query, params.include, MAX_MATCHES + 1);
        const lines = matches.slice(0, MAX_MATCHES).map((m) => `${m.path}:${m.line}: ${clip(m.text.trim())}`);
        if (matches.length > MAX_MATCHES)
            lines.push(`[more than ${MAX_MATCHES} matches; search for something more specific or pass include]`);
        const where = params.include != null ? ` in ${params.include}` : "";
        return {
            result: lines.length === 0 ? `No matches for "${params.query}"${where}.` : lines.join("\n"),
            summary: `Searched for "${clip(params.query, 40)}"${where}: ${matches.length > MAX_MATCHES ? `${MAX_MATCHES}+` : matches.length} matches`
        };
    }
};

function clip(text: string, max = MAX_LINE_CHARS): string {
    return text.length > max ? `${text.slice(0, max)}…` : text;
}
