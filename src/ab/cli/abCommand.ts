import {writeFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {LlamaRuntime} from "../../engine/llamaRuntime";
import {DEFAULT_WINDOW, runAb} from "../runner/abRun";
import {chooseThreads} from "../../threads/cpuCores";
import {abJson} from "../report/abJson";
import {abMarkdown} from "../report/abMarkdown";
import {AB_METRICS, type AbMetric} from "../report/abReport";
import {readTextSources} from "../corpus/textSources";
import {MIN_WINDOW} from "../corpus/windows";
import {timeLeftText, type AbProgress} from "../runner/abProgress";
import {stderrLogger} from "../../util/logger";
import {cliCacheDir} from "../../cli/cacheDir";
import {integerOption, stringOption, UsageError, type CliCommand, type ParsedArgs} from "../../cli/cliCommand";
import {gpuOption} from "../../cli/commands/engineOptions";
import {parseAdapterArgument} from "../../engine/lora/adapterRequest";

export const abCommand: CliCommand = {
    name: "ab",
    summary: "compare quantizations of one model: quality, tasks, speed, memory and energy",
    help: `Usage: quantpilot ab REF [CAND...] [--lora ADAPTER[:SCALE][,ADAPTER[:SCALE]...]]...
                     [--text FILE]... [--window N] [--budget-seconds N]
                     [--metrics quality,tasks,speed] [--threads N] [--json]

Compares each candidate GGUF (CAND) with the reference (REF, usually the F16/BF16 file) on the
--text files, or on the built-in code and prose corpus when no --text is given:
  quality  KL divergence of the next-token distributions over the full vocabulary (mean, median,
           p99, bootstrap 95 % CI), same top token rate, perplexity of both and ln(PPL ratio),
           delta-p percentiles; the tokens and the arithmetic of llama-perplexity --kl-divergence
           with the same -c (--window) on the same file
  tasks    fill-in-the-middle on held-out lines (exact match, edit similarity) and a small
           safety set (refusals), paired: flips, exact McNemar p, bootstrap CI of the difference
  speed    prompt tokens/s, tg128 decode tokens/s, time to first token (median and range of 3+
           runs), memory growth, energy per token where the machine exposes a counter
With --json the last line is one JSON object (rates as fractions 0-1); a CI job can gate on it.
The reference's results are cached, so adding a candidate later does not evaluate it again.
Progress on stderr says how long is left, from the time per token measured so far.

Options:
  --lora SPEC            a candidate that is REF with LoRA adapters applied ("base + adapter"),
                         compared like a quantization level; SPEC is one adapter GGUF, or several
                         separated by commas to stack them, each with an optional :SCALE (default 1).
                         Repeat for several candidates
  --text FILE            score this file instead of the built-in corpus (repeat for several: they are
                         joined by blank lines); binary or huge files are skipped
  --window N             tokens per window, llama-perplexity's -c (default ${DEFAULT_WINDOW})
  --budget-seconds N     stop adding windows and task items when the run would take longer
  --metrics LIST         any of quality,tasks,speed (default: all)
  --threads N            CPU threads (default: the number of physical cores)
  --context N            prompt length for the prompt-processing timing (default 1024)
  --extra-context N      also answer the first N FIM lines on the reference with the extra context the
                         editor adds (repo-level models), and report its cost in tokens and time beside
                         the exact match it buys (default 0: off)
  --gpu MODE             auto | cpu | cuda | vulkan | metal (default auto)
  --no-corpus            never fall back to the built-in corpus (fails when no --text file is readable)
  --no-cache             neither read nor write the reference cache
  --markdown FILE        also write the report as Markdown
  --json                 print the result as one JSON object on the last line
`,
    options: {
        text: {type: "string", multiple: true},
        lora: {type: "string", multiple: true},
        window: {type: "string"},
        "budget-seconds": {type: "string"},
        metrics: {type: "string"},
        threads: {type: "string"},
        context: {type: "string"},
        "extra-context": {type: "string"},
        gpu: {type: "string"},
        "no-corpus": {type: "boolean"},
        "no-cache": {type: "boolean"},
        markdown: {type: "string"},
        json: {type: "boolean"},
        verbose: {type: "boolean"}
    },
    positionals: true,
    async run(args, io) {
        const loraSpecs = (args.values.lora as string[] | undefined) ?? [];
        if (args.positionals.length < 1 || args.positionals.length + loraSpecs.length < 2)
            throw new UsageError("expected a reference GGUF and at least one candidate GGUF or --lora adapter (see 'quantpilot ab --help')");
        const [referencePath, ...candidatePaths] = args.positionals.map((p) => resolve(p));
        const adapterCandidates = loraSpecs.map((spec) => ({
            path: referencePath!,
            adapters: spec.split(",").filter((s) => s !== "").map(parseAdapterArgument).map((a) => ({...a, path: resolve(a.path)}))
        }));
        const textPaths = ((args.values.text as string[] | undefined) ?? []).map((p) => resolve(p));
        const {sources, notes} = await readTextSources(textPaths);
        for (const note of notes)
            io.note(`quantpilot: ${note}`);
        // Texts given but none readable: scoring the built-in corpus instead would answer another question.
        if (textPaths.length > 0 && sources.length === 0)
            throw new UsageError("none of the --text files could be read (see above); nothing to score");
        const builtInCorpus = args.values["no-corpus"] !== true;
        if (!builtInCorpus && sources.length === 0)
            throw new UsageError("--no-corpus needs at least one readable --text file");
        const runtime = new LlamaRuntime(stderrLogger(args.values.verbose === true));
        const progress = progressPrinter((line) => io.note(line));
        try {
            const report = await runAb({
                referencePath: referencePath!, candidatePaths, adapterCandidates, runtime,
                gpu: gpuOption(args, "auto"), threads: chooseThreads(integerOption(args, "threads", 1, 1024)).threads,
                texts: sources, builtInCorpus, notes,
                window: integerOption(args, "window", MIN_WINDOW, 1 << 16) ?? DEFAULT_WINDOW,
                budgetSeconds: integerOption(args, "budget-seconds", 1) ?? null,
                metrics: metricsOption(args),
                completionContextSize: integerOption(args, "context", 16, 1 << 16) ?? 1024,
                extraContextItems: integerOption(args, "extra-context", 0, 1000) ?? 0,
                cacheDir: args.values["no-cache"] === true ? null : join(cliCacheDir(), "ab-reference"),
                signal: io.signal,
                onProgress: progress
            });
            const markdownPath = stringOption(args, "markdown");
            if (markdownPath != null)
                await writeFile(resolve(markdownPath), abMarkdown(report), "utf8");
            io.out(args.values.json === true ? JSON.stringify(abJson(report)) : abMarkdown(report));
        } finally {
            await runtime.dispose();
        }
    }
};

/** One stderr line per 5 % step, and at least every 30 s of a long step, each with the time left when known. */
function progressPrinter(print: (line: string) => void, now: () => number = () => performance.now()): (p: AbProgress) => void {
    let shown = -1;
    let shownAt = now();
    return (p) => {
        const percent = Math.floor(p.fraction * 20) * 5;
        if (percent <= shown && now() - shownAt < 30_000)
            return;
        shown = Math.max(shown, percent);
        shownAt = now();
        const left = timeLeftText(p);
        print(`ab: ${percent}% ${p.message}${left != null ? ` (${left})` : ""}`);
    };
}

function metricsOption(args: ParsedArgs): AbMetric[] {
    const raw = stringOption(args, "metrics");
    if (raw == null)
        return [...AB_METRICS];
    const names = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const unknown = names.filter((n) => !(AB_METRICS as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0)
        throw new UsageError(`--metrics takes a comma-separated list of ${AB_METRICS.join(", ")}${unknown.length > 0 ? `, not "${unknown.join(", ")}"` : ""}`);
    return names as AbMetric[];
}
