import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

const MAX_PROBLEMS = 60;

interface Params {
    readonly path: string | null;
}

export const diagnosticsTool: ToolDefinition<Params> = {
    name: "getDiagnostics",
    description: "Get the errors and warnings VS Code reports for a file, or for all files when path is null.",
    kind: "read",
    params: objectSchema({
        path: {type: ["string", "null"], description: "Path relative to the workspace, or null"}
    }),
    async run(params, env) {
        const path = params.path == null ? null : await env.paths.resolve(params.path);
        const where = path == null ? "the workspace" : env.paths.display(path);
        const problems = await env.problems(path);
        const lines = problems.slice(0, MAX_PROBLEMS).map((p) =>
            `${p.path}:${p.line}:${p.column} ${p.severity}: ${p.message}${p.source != null ? ` (${p.source})` : ""}`);
        if (problems.length > MAX_PROBLEMS)
            lines.push(`[${problems.length - MAX_PROBLEMS} more problems not shown]`);
        return {
            result: lines.length === 0 ? `No problems reported in ${where}.` : lines.join("\n"),
            summary: `${problems.length} problems in ${where}`
        };
    }
};
