import {readFile} from "node:fs/promises";
import {resolve} from "node:path";
import {FIM_LAYOUTS, type FimLayout} from "../../completion/fimPrompt";
import type {ContextChunk, PromptBudget} from "../../completion/promptTokens";
import type {CompletionRequest} from "../../completion/completionRequest";
import {LlamaRuntime} from "../../engine/llamaRuntime";
import {LocalEngine} from "../../engine/localEngine";
import {LocalCompleter} from "../../completion/localCompleter";
import {SPECULATIVE_MODES, type SpeculationOptions, type SpeculativeMode} from "../../engine/speculative/speculation";
import {chooseThreads} from "../../threads/cpuCores";
import {stderrLogger} from "../../util/logger";
import {parseAdapterArgument} from "../../engine/lora/adapterRequest";
import {integerOption, onePositional, requiredString, stringOption, UsageError, type CliCommand, type ParsedArgs} from "../cliCommand";

export const completeCommand: CliCommand = {
    name: "complete",
    summary: "fill in the middle between a prefix and a suffix, as the editor's inline completion does",
    help: `Usage: quantpilot complete MODEL.gguf --prefix TEXT [--suffix TEXT] [options] [--json]

Runs the completion pipeline the editor uses (same prompt, greedy decoding, same
post-processing), so for the same prefix, suffix and settings it prints the text the editor
shows as ghost text. With --json, prints { "text", "suggestions", "rawText", "ttftMs",
"tokens", "promptTokensEvaluated", ... } as the last line.

  --file-name PATH        workspace-relative path of the file (repo-level models see it;
                          it also picks the comment syntax)
  --repo-name NAME        project name shown to repo-level models (default "project")
  --extra-context FILE    JSON array of {"fileName", "text"} chunks, oldest first
  --max-tokens N          most tokens to generate (default 64)
  --max-time-ms N         stop after N ms once a full line exists (default: no limit)
  --count N               suggestions wanted (default 1)
  --max-prefix-tokens N   token budget of the lines above (default 1024)
  --max-suffix-tokens N   token budget of the lines below (default 256)
  --max-context-tokens N  token budget of the extra context (default 1024)
  --layout NAME           ${FIM_LAYOUTS.join(" | ")} (default psm-volatile-after-middle)
  --raw                   print what the model generated, without post-processing
  --speculative MODE      off | promptLookup | draftModel | auto (default off);
                          the text is the same in every mode, "speculation" in --json says
                          how many guessed tokens were accepted
  --draft PATH            draft model for draftModel/auto (default: the smallest GGUF beside
                          MODEL with the same vocabulary)
  --lora FILE[:SCALE]     apply a LoRA adapter GGUF made for MODEL (scale default 1); repeat to
                          stack several. One that does not fit MODEL is refused with the reason
  --threads N             CPU threads (default: the number of physical cores)
  --context N             context size in tokens (default 4096)
  --verbose               log engine details to stderr
`,
    options: {
        prefix: {type: "string"},
        suffix: {type: "string"},
        "file-name": {type: "string"},
        "repo-name": {type: "string"},
        "extra-context": {type: "string"},
        "max-tokens": {type: "string"},
        "max-time-ms": {type: "string"},
        count: {type: "string"},
        "max-prefix-tokens": {type: "string"},
        "max-suffix-tokens": {type: "string"},
        "max-context-tokens": {type: "string"},
        layout: {type: "string"},
        raw: {type: "boolean"},
        speculative: {type: "string"},
        draft: {type: "string"},
        lora: {type: "string", multiple: true},
        threads: {type: "string"},
        context: {type: "string"},
        json: {type: "boolean"},
        verbose: {type: "boolean"}
    },
    positionals: true,
    async run(args, io) {
        const path = resolve(onePositional(args, "a GGUF model file"));
        const request = await completionRequest(args);
        const threads = chooseThreads(integerOption(args, "threads", 1, 1024));
        const contextSize = integerOption(args, "context", 256, 1 << 20) ?? 4096;
        const log = stderrLogger(args.values.verbose === true);
        const runtime = new LlamaRuntime(log);
        const engine = new LocalEngine(runtime, log);
        try {
            await engine.load(path, {gpu: "auto", threads: threads.threads, contextSize, speculation: speculationOptions(args)}, {signal: io.signal});
            const adapters = ((args.values.lora as string[] | undefined) ?? []).map(parseAdapterArgument).map((a) => ({...a, path: resolve(a.path)}));
            if (adapters.length > 0)
                await engine.setAdapters(adapters, io.signal);
            const result = await new LocalCompleter(engine).complete({...request, signal: io.signal});
            const applied = engine.model?.adapters?.map((x) => ({fileName: x.fileName, scale: x.scale}));
            if (args.values.json === true)
                io.out(JSON.stringify(applied != null ? {...result, adapters: applied} : result));
            else
                io.out(result.text);
        } finally {
            await engine.dispose();
            await runtime.dispose();
        }
    }
};

function speculationOptions(args: ParsedArgs): SpeculationOptions {
    const mode = stringOption(args, "speculative") ?? "off";
    if (!(SPECULATIVE_MODES as readonly string[]).includes(mode))
        throw new UsageError(`--speculative must be one of ${SPECULATIVE_MODES.join(", ")}, not "${mode}"`);
    const draft = stringOption(args, "draft");
    return {mode: mode as SpeculativeMode, ...(draft != null ? {draftModelPath: resolve(draft)} : {})};
}

async function completionRequest(args: ParsedArgs): Promise<CompletionRequest> {
    const layout = stringOption(args, "layout");
    if (layout != null && !(FIM_LAYOUTS as readonly string[]).includes(layout))
        throw new UsageError(`--layout must be one of ${FIM_LAYOUTS.join(", ")}, not "${layout}"`);
    const optional = <T>(key: string, value: T | undefined) => value == null ? {} : {[key]: value};
    const budget: Partial<PromptBudget> = {
        ...optional("maxPrefixTokens", integerOption(args, "max-prefix-tokens", 0, 1 << 20)),
        ...optional("maxSuffixTokens", integerOption(args, "max-suffix-tokens", 0, 1 << 20)),
        ...optional("maxContextTokens", integerOption(args, "max-context-tokens", 0, 1 << 20))
    };
    const extra = stringOption(args, "extra-context");
    return {
        prefix: requiredString(args, "prefix"),
        suffix: stringOption(args, "suffix") ?? "",
        maxTokens: integerOption(args, "max-tokens", 1, 4096) ?? 64,
        ...optional("maxTimeMs", integerOption(args, "max-time-ms", 1)),
        ...optional("count", integerOption(args, "count", 1, 5)),
        ...optional("fileName", stringOption(args, "file-name")),
        ...optional("repoName", stringOption(args, "repo-name")),
        ...optional("context", extra != null ? await readChunks(extra) : undefined),
        ...optional("layout", layout as FimLayout | undefined),
        ...(Object.keys(budget).length > 0 ? {budget} : {}),
        raw: args.values.raw === true
    };
}

async function readChunks(path: string): Promise<ContextChunk[]> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(await readFile(resolve(path), "utf8"));
    } catch (err) {
        throw new UsageError(`--extra-context ${path}: ${(err as Error).message.split("\n")[0]}`);
    }
    const valid = Array.isArray(parsed) && parsed.every((c) =>
        c != null && typeof c === "object" && typeof (c as ContextChunk).fileName === "string" && typeof (c as ContextChunk).text === "string");
    if (!valid)
        throw new UsageError(`--extra-context ${path}: expected a JSON array of {"fileName": string, "text": string}`);
    return (parsed as ContextChunk[]).map((c) => ({fileName: c.fileName, text: c.text}));
}
