import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

const MAX_FILES = 100;

interface Params {
    readonly pattern: string;
}

export const findFilesTool: ToolDefinition<Params> = {
    name: "findFiles",
    description: "Find files whose path matches a glob, such as \"**/*.ts\".",
    kind: "read",
    params: objectSchema({
        pattern: {type: "string", description: "Glob relative to the workspace"}
    }),
    async run(params, env) {
        const pattern = params.pattern.trim();
        if (pattern === "")
            throw new ToolError("The pattern is empty; give a glob such as \"**/*.ts\".");
        if (pattern.startsWith("/") || pattern.split("/").includes(".."))
            throw new ToolError(`"${pattern}" reaches outside the workspace; give a pattern relative to the workspace folder.`);
        const files = await env.findFiles(pattern, MAX_FILES + 1);
        const shown = files.slice(0, MAX_FILES);
        const more = files.length > MAX_FILES ? `\n[more than ${MAX_FILES} files match; narrow the pattern]` : "";
        return {
            result: shown.length === 0 ? `No files match ${pattern}.` : `${shown.join("\n")}${more}`,
            summary: `Found ${files.length > MAX_FILES ? `${MAX_FILES}+` : shown.length} files matching ${pattern}`
        };
    }
};
