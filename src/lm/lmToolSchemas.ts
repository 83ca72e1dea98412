import type {ChatTool} from "../engine/chat/chatTool";
import {dropOptionalNulls, toGrammarSchema} from "../tools/grammarSchema";

/** A tool the caller offers the model in one request (VS Code's `LanguageModelChatTool`). */
export interface LmRequestTool {
    readonly name: string;
    readonly description: string;
    readonly inputSchema?: object | undefined;
}

/** The caller's tools as the chat engine offers them, and the way back from a call to the caller's names. */
export interface MappedTools {
    readonly tools: readonly ChatTool[];
    /** Tools left out because the grammar cannot express their schema, with why. */
    readonly skipped: ReadonlyArray<{readonly name: string; readonly reason: string}>;
    /** The grammar's name of a caller's tool (for calls in the history). */
    modelName(callerName: string): string;
    /** A call as the caller expects it: its tool's own name, and arguments without the nulls that stand for left-out optional ones. */
    callerCall(modelName: string, params: unknown): {name: string; input: object};
}

/**
 * Maps the caller's tools onto the same grammar-constrained calling the assistant uses: each
 * schema goes through `toGrammarSchema` (so every call parses and matches it), and names get
 * the characters the grammar allows, made unique. The tools are never invoked here: the caller
 * runs them and sends the results back in the next request.
 */
export function mapRequestTools(requested: readonly LmRequestTool[]): MappedTools {
    const tools: ChatTool[] = [];
    const skipped: Array<{name: string; reason: string}> = [];
    const toModel = new Map<string, string>();
    const toCaller = new Map<string, LmRequestTool>();
    for (const tool of requested) {
        const params = toGrammarSchema(tool.inputSchema);
        if (params === undefined) {
            skipped.push({name: tool.name, reason: "its input schema uses JSON Schema features the grammar cannot express ($ref, allOf, tuples)"});
            continue;
        }
        const name = uniqueName(tool.name, toCaller);
        toModel.set(tool.name, name);
        toCaller.set(name, tool);
        tools.push({
            name, description: tool.description, ...(params != null ? {params} : {}),
            invoke: () => Promise.reject(new Error(`${tool.name} is run by the extension that made the request.`))
        });
    }
    return {
        tools,
        skipped,
        modelName: (callerName) => toModel.get(callerName) ?? grammarName(callerName),
        callerCall: (modelName, params) => {
            const tool = toCaller.get(modelName);
            const input = dropOptionalNulls(params ?? {}, tool?.inputSchema);
            return {name: tool?.name ?? modelName, input: input != null && typeof input === "object" ? input : {}};
        }
    };
}

/** Letters, digits, `_` and `-`: what a function name in the grammar may hold. */
function grammarName(name: string): string {
    return name.replace(/[^A-Za-z0-9_-]/g, "_") || "tool";
}

function uniqueName(name: string, taken: ReadonlyMap<string, unknown>): string {
    const base = grammarName(name);
    let candidate = base;
    for (let i = 2; taken.has(candidate); i++)
        candidate = `${base}_${i}`;
    return candidate;
}
