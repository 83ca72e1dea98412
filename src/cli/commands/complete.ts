import {resolve} from "node:path";
import {LlamaRuntime} from "../../engine/llamaRuntime";
import {LocalEngine} from "../../engine/localEngine";
import {chooseThreads} from "../../engine/threads";
import {stderrLogger} from "../../util/logger";
import {integerOption, onePositional, requiredString, type CliCommand} from "../cliCommand";

export const completeCommand: CliCommand = {
    name: "complete",
    summary: "fill in the middle between a prefix and a suffix, as the editor's inline completion does",
    help: `Usage: quantpilot complete FILE --prefix TEXT --suffix TEXT [--max-tokens N] [--threads N] [--context N] [--json]

Runs the same completion engine the extension uses (greedy, so the result is deterministic)
with the model's own fill-in-the-middle tokens. With --json, prints
{ "text", "ttftMs", "tokens", "tokensPerSecond", ... } as the last line.

  --max-tokens N  most tokens to generate (default 64)
  --threads N     CPU threads (default: the number of physical cores)
  --context N     context size in tokens (default 4096)
  --verbose       log engine details to stderr
`,
    options: {
        prefix: {type: "string"},
        suffix: {type: "string"},
        "max-tokens": {type: "string"},
        threads: {type: "string"},
        context: {type: "string"},
        json: {type: "boolean"},
        verbose: {type: "boolean"}
    },
    positionals: true,
    async run(args, io) {
        const path = resolve(onePositional(args, "a GGUF model file"));
        const prefix = requiredString(args, "prefix");
        const suffix = args.values.suffix as string | undefined ?? "";
        const maxTokens = integerOption(args, "max-tokens", 1, 4096) ?? 64;
        const threads = chooseThreads(integerOption(args, "threads", 1, 1024));
        const contextSize = integerOption(args, "context", 256, 1 << 20) ?? 4096;
        const log = stderrLogger(args.values.verbose === true);
        const runtime = new LlamaRuntime(log);
        const engine = new LocalEngine(runtime, log);
        try {
            await engine.load(path, {gpu: "auto", threads: threads.threads, contextSize}, {signal: io.signal});
            const result = await engine.complete({prefix, suffix, maxTokens, signal: io.signal});
            if (args.values.json === true)
                io.out(JSON.stringify(result));
            else
                io.out(result.text);
        } finally {
            await engine.dispose();
            await runtime.dispose();
        }
    }
};
