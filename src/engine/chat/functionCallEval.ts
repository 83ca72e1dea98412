import type {ChatModelFunctions, LlamaChatResponse} from "node-llama-cpp";
import {callMatches, wilsonInterval, type FunctionCallCase} from "../../tools/toolCallScoring";
import {ToolCallValidator} from "../../tools/toolCallValidator";
import type {LoadedModel} from "../loadedModel";
import {chatWrapperFor} from "../guard/safeChatWrapper";
import {loadNodeLlamaCpp} from "../nodeLlamaCpp";
import {toChatFunctions} from "./chatFunctions";
import {callsWrittenAsCodeBlocks} from "./codeBlockToolCall";
import {forcedCallChatWrapper} from "./forcedCallChatWrapper";

export interface EvalTool {
    readonly name: string;
    readonly description: string;
    readonly params?: object;
}

/** Options for {@link evaluateFunctionCalling}; every field has a default. */
export interface FunctionCallEvalOptions {
    /**
     * "natural": the model decides whether to call a function, as in the assistant.
     * "forced": each reply starts with the call prefix, so only the choice of function and
     * arguments is scored. Default: "natural".
     */
    readonly mode?: "natural" | "forced";
    /** Most tokens per reply. Default: 384. */
    readonly maxTokens?: number;
    readonly signal?: AbortSignal;
    readonly onCase?: (result: CaseResult, done: number, total: number) => void;
}

export interface CaseResult {
    readonly id: string;
    readonly calls: ReadonlyArray<{readonly name: string; readonly params: unknown; readonly problem?: string}>;
    readonly correct: boolean;
}

export interface FunctionCallEvalResult {
    readonly cases: number;
    /** Function calls the model made. */
    readonly calls: number;
    /** Calls that parse and match their tool's schema (checked apart from the grammar). */
    readonly validCalls: number;
    /** Cases whose first call has the expected function name and arguments. */
    readonly correctCalls: number;
    readonly accuracy: number;
    /** Wilson 95 % interval of the accuracy. */
    readonly ci95: [number, number];
    readonly mode: "natural" | "forced";
    readonly results: readonly CaseResult[];
}

/**
 * Scores function calling on the loaded model: each case is a fresh chat (system prompt, one
 * request) answered greedily with the tools offered, and its first call is compared with the
 * expected one. Uses its own context, freed at the end.
 */
export async function evaluateFunctionCalling(
    loaded: LoadedModel,
    tools: readonly EvalTool[],
    cases: readonly FunctionCallCase[],
    systemPrompt: string,
    options: FunctionCallEvalOptions = {}
): Promise<FunctionCallEvalResult> {
    const {LlamaChat} = await loadNodeLlamaCpp();
    const mode = options.mode ?? "natural";
    const context = await loaded.model.createContext({contextSize: loaded.description.contextSize, threads: loaded.description.runtime.threads, sequences: 1});
    try {
        const wrapper = await chatWrapperFor(loaded.model, loaded.description);
        const chat = new LlamaChat({contextSequence: context.getSequence(), chatWrapper: mode === "forced" ? await forcedCallChatWrapper(wrapper) : wrapper});
        const functions = toChatFunctions(tools);
        const validator = new ToolCallValidator(tools);
        const results: CaseResult[] = [];
        for (const testCase of cases) {
            options.signal?.throwIfAborted();
            const response = await chat.generateResponse(
                [{type: "system", text: systemPrompt}, {type: "user", text: testCase.request}, {type: "model", response: []}],
                {functions, documentFunctionParams: true, maxParallelFunctionCalls: mode === "forced" ? 1 : 4, temperature: 0, maxTokens: options.maxTokens ?? 384,
                    ...(options.signal != null ? {signal: options.signal} : {})}
            ) as LlamaChatResponse<ChatModelFunctions>;
            // In natural mode, calls written as a JSON code block count, as the assistant runs them (codeBlockToolCall).
            const written = mode === "natural" && (response.functionCalls ?? []).length === 0 ? callsWrittenAsCodeBlocks(response.response, tools) : undefined;
            const calls = (written?.calls ?? response.functionCalls ?? []).map((call) => {
                const problem = validator.check(call.functionName, call.params);
                return {name: call.functionName, params: call.params, ...(problem != null ? {problem} : {})};
            });
            const first = calls[0];
            const result = {id: testCase.id, calls, correct: first != null && first.problem == null && callMatches(testCase.expected, first.name, first.params)};
            results.push(result);
            options.onCase?.(result, results.length, cases.length);
        }
        return summarize(results, mode);
    } finally {
        await context.dispose();
    }
}

function summarize(results: readonly CaseResult[], mode: "natural" | "forced"): FunctionCallEvalResult {
    const calls = results.flatMap((r) => r.calls);
    const correctCalls = results.filter((r) => r.correct).length;
    return {
        cases: results.length,
        calls: calls.length,
        validCalls: calls.filter((c) => c.problem == null).length,
        correctCalls,
        accuracy: results.length === 0 ? 0 : correctCalls / results.length,
        ci95: wilsonInterval(correctCalls, results.length),
        mode,
        results
    };
}
