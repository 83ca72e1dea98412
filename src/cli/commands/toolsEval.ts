import {resolve} from "node:path";
import casesFile from "../../data/toolsEvalCases.json";
import {assistantSystemPrompt} from "../../engine/chat/assistantPrompt";
import {evaluateFunctionCalling} from "../../engine/chat/functionCallEval";
import {LlamaRuntime} from "../../engine/llamaRuntime";
import {LocalEngine} from "../../engine/localEngine";
import {chooseThreads} from "../../threads/cpuCores";
import {BUILTIN_TOOLS} from "../../tools/builtinTools";
import type {FunctionCallCase} from "../../tools/toolCallScoring";
import {stderrLogger} from "../../util/logger";
import {integerOption, onePositional, UsageError, type CliCommand} from "../cliCommand";

export const toolsEvalCommand: CliCommand = {
    name: "tools-eval",
    summary: "score a model's function calling on the assistant's own tools (BFCL-simple style)",
    help: `Usage: quantpilot tools-eval FILE [--threads N] [--context N] [--forced] [--limit N] [--json] [--verbose]

Runs ${casesFile.cases.length} built-in cases: a user request and the one call to the assistant's tools it
should produce (function name and arguments). Each case is a fresh chat through the model's
own chat template, answered greedily with the tools' grammar, and its first call is scored by
exact name and argument match. With --json, prints
{ "cases", "calls", "validCalls", "correctCalls", "accuracy", "ci95", ... } as the last line:
calls are the calls the model made, validCalls those that parse and match their schema
(checked with a standard JSON Schema validator; with the grammar the two are equal), ci95 the
Wilson 95% interval of the accuracy.

  --threads N   CPU threads (default: the number of physical cores)
  --context N   context size in tokens (default 4096)
  --forced      start every reply with the call prefix: scores only which function and
                arguments the model picks, not whether it decides to call one
  --limit N     run only the first N cases
  --verbose     print each case's calls to stderr
`,
    options: {
        threads: {type: "string"},
        context: {type: "string"},
        forced: {type: "boolean"},
        limit: {type: "string"},
        json: {type: "boolean"},
        verbose: {type: "boolean"}
    },
    positionals: true,
    async run(args, io) {
        const path = resolve(onePositional(args, "a GGUF model file"));
        const threads = chooseThreads(integerOption(args, "threads", 1, 1024));
        const contextSize = integerOption(args, "context", 512, 1 << 20) ?? 4096;
        const cases = (casesFile.cases as FunctionCallCase[]).slice(0, integerOption(args, "limit", 1, 100_000));
        const verbose = args.values.verbose === true;
        const log = stderrLogger(verbose);
        const runtime = new LlamaRuntime(log);
        const engine = new LocalEngine(runtime, log);
        try {
            const model = await engine.load(path, {gpu: "auto", threads: threads.threads, contextSize}, {signal: io.signal});
            if (!model.supportsTools)
                throw new UsageError(`${model.fileName} has no chat template with tool support (chat format: ${model.chatWrapper}), so it cannot call functions`);
            const startedAt = performance.now();
            const result = await evaluateFunctionCalling(engine.loaded!, BUILTIN_TOOLS, cases,
                assistantSystemPrompt({folders: ["project"], tools: {available: true}}), {
                    mode: args.values.forced === true ? "forced" : "natural",
                    signal: io.signal,
                    onCase: (r, done, total) => io.note(verbose
                        ? `[${done}/${total}] ${r.id} ${r.correct ? "correct" : "wrong"}: ${JSON.stringify(r.calls)}`
                        : `[${done}/${total}] ${r.id} ${r.correct ? "correct" : "wrong"}`)
                });
            const summary = {cases: result.cases, calls: result.calls, validCalls: result.validCalls, correctCalls: result.correctCalls,
                accuracy: result.accuracy, ci95: result.ci95, mode: result.mode};
            const seconds = (performance.now() - startedAt) / 1000;
            if (args.values.json === true)
                io.out(JSON.stringify({...summary, model: model.fileName, seconds: Number(seconds.toFixed(1))}));
            else
                io.out(`${model.fileName}: ${summary.correctCalls}/${summary.cases} correct (accuracy ${(summary.accuracy * 100).toFixed(1)}%, ` +
                    `95% CI ${(summary.ci95[0] * 100).toFixed(1)}-${(summary.ci95[1] * 100).toFixed(1)}%), ` +
                    `${summary.calls} calls, ${summary.validCalls} valid, ${seconds.toFixed(1)} s`);
        } finally {
            await engine.dispose();
            await runtime.dispose();
        }
    }
};
