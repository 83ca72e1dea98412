import {readFileSync} from "node:fs";
import {mkdir, rename, writeFile} from "node:fs/promises";
import {availableParallelism, cpus} from "node:os";
import {dirname} from "node:path";
import type {LlamaModel} from "node-llama-cpp";
import type {Logger} from "../util/logger";
import {servingThreadsOf} from "./applyThreads";
import {planThreads, type MeasuredThreads, type ThreadPlan, type ThreadPolicyInput, type ThreadSettings} from "./decideThreads";
import {probeThreads, type ThreadProbeResult} from "./measureThreads";
import {physicalCoreCount} from "./cpuCores";

/** What the best thread counts depend on, besides the machine. */
export interface ThreadTuningFacts {
    /** "prebuilt" or "localBuild". */
    readonly build: string;
    readonly gpu: string | false;
    readonly modelBytes: number;
}

export interface ThreadTunerOptions {
    /** JSON file holding measurements per machine, engine and model size. */
    readonly cacheFile: string;
    readonly log: Logger;
    /** Cores kept free for the editor when choosing automatically (1 in the extension host). Default 0. */
    readonly headroom?: number;
    /** Default: this machine's physical cores. */
    readonly cores?: number;
    /** Setting names for notes (the CLI's flags differ from VS Code's settings). */
    readonly names?: ThreadPolicyInput["names"];
}

export interface TuneOptions {
    readonly signal?: AbortSignal;
    /** Measure again even when a measurement is cached. */
    readonly force?: boolean;
    /** Probe size; defaults suit a probe of a few seconds. */
    readonly promptTokens?: number;
    readonly decodeTokens?: number;
    readonly budgetMs?: number;
}

export interface TuneResult {
    readonly plan: ThreadPlan;
    /** Present when a probe ran. */
    readonly probe?: ThreadProbeResult;
}

type Cache = Record<string, MeasuredThreads & {readonly prompt: number; readonly decode: number}>;

/**
 * The measured thread policy: plans thread counts from the settings and from earlier
 * measurements, and measures (a probe of a few seconds) the first time a model of a given size
 * runs on this machine and engine, or on demand. Results are cached per machine, engine and model
 * size class, and applied to the serving context live.
 */
export class ThreadTuner {
    private readonly cores: number;

    constructor(private readonly options: ThreadTunerOptions) {
        this.cores = options.cores ?? physicalCoreCount();
    }

    plan(settings: ThreadSettings, facts: ThreadTuningFacts): ThreadPlan {
        const measured = this.readCache()[this.key(facts)];
        return planThreads({
            settings, cores: this.cores, headroom: this.options.headroom ?? 0,
            ...(measured != null ? {measured} : {}),
            ...(this.options.names != null ? {names: this.options.names} : {})
        });
    }

    /** Probes `model` if the plan has something to choose and nothing is cached (or `force`), then applies the result. */
    async tune(model: LlamaModel, settings: ThreadSettings, facts: ThreadTuningFacts, options: TuneOptions = {}): Promise<TuneResult> {
        const before = this.plan(settings, facts);
        const hasChoice = before.candidates.prompt.length > 0 || before.candidates.decode.length > 0;
        const cached = this.readCache()[this.key(facts)] != null;
        if (!hasChoice || (cached && options.force !== true)) {
            if (!hasChoice)
                this.options.log.info(`Threads: nothing to measure (${before.why.prompt}; ${before.why.decode}).`);
            this.apply(model, before);
            return {plan: before};
        }
        this.options.log.info(`Threads: measuring prompt threads ${list(before.candidates.prompt)} and decode threads ${list(before.candidates.decode)}…`);
        const probe = await probeThreads({
            model, candidates: before.candidates,
            ...pick(options, ["signal", "promptTokens", "decodeTokens", "budgetMs"])
        });
        await this.remember(facts, {
            prompt: probe.bestPrompt ?? before.prompt,
            decode: probe.bestDecode ?? before.decode,
            measuredAt: new Date().toISOString()
        });
        const plan = this.plan(settings, facts);
        this.options.log.info(`Threads: probe took ${Math.round(probe.ms)} ms; prompt ${rates(probe.prompt)}, decode ${rates(probe.decode)}.`);
        this.apply(model, plan);
        return {plan, probe};
    }

    /** Applies a plan to the model's serving context and logs the counts with their reasons. */
    apply(model: LlamaModel, plan: ThreadPlan): void {
        for (const note of plan.notes)
            this.options.log.warn(`Threads: ${note}.`);
        const serving = servingThreadsOf(model);
        serving?.set({prompt: plan.prompt, decode: plan.decode});
        this.options.log.info(`Threads: prompt ${plan.prompt} (${plan.why.prompt}), decode ${plan.decode} (${plan.why.decode})` +
            (serving == null ? "; this node-llama-cpp cannot split them, so prompt's count is used for both." : "."));
    }

    private key(facts: ThreadTuningFacts): string {
        const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
        const sizeClass = Math.round(Math.log2(Math.max(1, facts.modelBytes / 2 ** 20)));
        const usable = Math.max(1, this.cores - (this.options.headroom ?? 0));
        return `${cpu} x${availableParallelism()}|${facts.build}|${facts.gpu === false ? "cpu" : facts.gpu}|~2^${sizeClass} MiB|${usable} usable`;
    }

    private readCache(): Cache {
        try {
            const parsed = JSON.parse(readFileSync(this.options.cacheFile, "utf8")) as unknown;
            return parsed != null && typeof parsed === "object" ? parsed as Cache : {};
        } catch {
            return {};
        }
    }

    private async remember(facts: ThreadTuningFacts, measured: MeasuredThreads): Promise<void> {
        const cache = {...this.readCache(), [this.key(facts)]: measured};
        await mkdir(dirname(this.options.cacheFile), {recursive: true});
        const temp = `${this.options.cacheFile}.tmp-${process.pid}`;
        await writeFile(temp, JSON.stringify(cache, null, 2) + "\n", "utf8");
        await rename(temp, this.options.cacheFile);
    }
}

function list(counts: readonly number[]): string {
    return counts.length === 0 ? "(fixed)" : counts.join("/");
}

function rates(samples: ThreadProbeResult["prompt"]): string {
    return samples.length === 0 ? "not measured" : samples.map((s) => `${s.threads}t ${s.tokensPerSecond.toFixed(1)} t/s`).join(", ");
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
    const out: Partial<Pick<T, K>> = {};
    for (const key of keys)
        if (source[key] !== undefined)
            out[key] = source[key];
    return out;
}
