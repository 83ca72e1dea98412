import {classifyCommand} from "./commandClassifier";
import {truncateText} from "./textContent";
import {ToolError} from "./toolError";
import type {ToolDefinition} from "./toolDefinition";
import {objectSchema} from "./toolSchema";

interface Params {
    readonly command: string;
}

export const runCommandTool: ToolDefinition<Params> = {
    name: "runCommand",
    description: "Run a shell command in the workspace folder, such as a build or the tests. " +
        "The user approves every command first; destructive commands are refused.",
    kind: "command",
    params: objectSchema({
        command: {type: "string", description: "Command line"}
    }),
    async run(params, env) {
        const root = env.paths.roots[0];
        const verdict = classifyCommand(params.command, root != null ? {cwd: root.path, workspace: env.paths.roots.map((r) => r.path)} : {});
        if (verdict.kind === "refuse")
            throw new ToolError(`${verdict.reason} The command was not run.`);
        if (root == null)
            throw new ToolError("No folder is open in VS Code, so there is nowhere to run the command.");
        const outcome = await env.runCommand(params.command, root.path, verdict.dangers);
        if (!outcome.ran)
            return {result: "The user chose not to run the command.", summary: `Not run: ${params.command}`, status: "rejected"};
        const output = truncateText(outcome.output ?? "", env.limits.maxChars, "output");
        const exit = outcome.exitCode == null ? "did not report an exit code" : `exited with code ${outcome.exitCode}`;
        return {
            result: `The command ${exit}.\nOutput:\n${output === "" ? "(none)" : output}`,
            summary: `Ran ${params.command} (${outcome.exitCode == null ? "no exit code" : `exit ${outcome.exitCode}`})`
        };
    }
};
