/**
 * Engine speed: QuantPilot's engine vs llama.cpp's own llama-bench, built from the same source.
 *
 *   npm run bench:engine -- [--rounds 3] [--threads N] [--prompt-threads N] [--decode-threads N]
 *                           [--llama-bench PATH] [--models coder,small,real] [--json]
 *
 * For the `coder-0.5b` preset quantized to Q4_K_M and the `small` preset (F16): pp512 and tg128
 * (tokens/s) of llama-bench, of QuantPilot's engine with the engine built for this machine (when
 * `quantpilot engine build` made one) and with the prebuilt binaries, each QuantPilot engine in
 * its own process (as `quantpilot engine probe`). Rounds alternate between the three so that
 * load from elsewhere hits all of them; each run warms up first; results are medians over the
 * rounds. Same thread counts everywhere: QuantPilot's policy for this machine (or the flags),
 * prompt threads for pp512 and decode threads for tg128. Target with the local build: ratio >=
 * 0.95 for both. With --json the last line is {quantpilot, llamaBench, ratio} for the first model
 * (local build when there is one), plus every engine and model under "runs".
 */
import {execFile, spawnSync} from "node:child_process";
import {cpus} from "node:os";
import {join} from "node:path";
import {parseArgs, promisify} from "node:util";
import {LocalEngineBuilds} from "../src/engine/build/localEngineBuilds";
import {median} from "simple-statistics";
import {planThreads} from "../src/threads/decideThreads";
import {physicalCoreCount} from "../src/threads/cpuCores";
import {REPO_ROOT} from "../test/helpers/paths";
import {quantizedTestModel, testModel} from "../test/helpers/testModels";
import {fetchRealModels} from "../test/real/realModels";

const run = promisify(execFile);

const {values} = parseArgs({
    options: {
        rounds: {type: "string", default: "3"},
        threads: {type: "string"},
        "prompt-threads": {type: "string"},
        "decode-threads": {type: "string"},
        "llama-bench": {type: "string"},
        models: {type: "string", default: "coder,small"},
        json: {type: "boolean", default: false}
    }
});

interface Speed {
    readonly pp512: number;
    readonly tg128: number;
}

interface EngineRun extends Speed {
    readonly build: string;
}

interface ModelRun {
    readonly model: string;
    readonly threads: {readonly prompt: number; readonly decode: number};
    readonly llamaBench: Speed;
    readonly engines: readonly (EngineRun & {readonly ratio: Speed})[];
}

const MODELS: Record<string, () => Promise<string>> = {
    coder: async () => quantizedTestModel("coder-0.5b", "Q4_K_M"),
    small: async () => testModel("small"),
    // The real Qwen2.5-Coder-0.5B-Instruct Q4_K_M that scripts/fetch-real-models.sh fetches (bench:real's model).
    real: async () => {
        const real = await fetchRealModels();
        if (real == null)
            throw new Error("no real models (scripts/fetch-real-models.sh could not fetch them)");
        return real.completion.path;
    }
};


function threadCounts(): {prompt: number; decode: number} {
    const n = (name: string) => values[name as "threads"] != null ? Number(values[name as "threads"]) : 0;
    const plan = planThreads({settings: {threads: n("threads"), prompt: n("prompt-threads"), decode: n("decode-threads")}, cores: physicalCoreCount()});
    return {prompt: plan.prompt, decode: plan.decode};
}

function llamaBenchPath(): string {
    if (values["llama-bench"] != null)
        return values["llama-bench"];
    const built = spawnSync(join(REPO_ROOT, "scripts", "build-llama-tools.sh"), ["llama-bench"], {encoding: "utf8", stdio: ["ignore", "pipe", "inherit"]});
    if (built.status !== 0)
        throw new Error("scripts/build-llama-tools.sh llama-bench failed");
    return join(built.stdout.trim().split("\n").pop()!, "llama-bench");
}

/** llama-bench's pp512 at the prompt threads and tg128 at the decode threads (one run each, after its own warm-up). */
async function llamaBench(bin: string, model: string, threads: {prompt: number; decode: number}): Promise<EngineRun> {
    const once = async (args: string[]) => {
        const {stdout} = await run(bin, ["-m", model, "-r", "1", "-o", "json", ...args], {maxBuffer: 16 << 20});
        const [row] = JSON.parse(stdout) as {samples_ts: number[]}[];
        return median(row!.samples_ts);
    };
    return {
        build: "llama-bench",
        pp512: await once(["-p", "512", "-n", "0", "-t", String(threads.prompt)]),
        tg128: await once(["-p", "0", "-n", "128", "-t", String(threads.decode)])
    };
}

/** QuantPilot's engine in its own process: `quantpilot engine probe` with llama-bench's sizes, one run after a warm-up. */
async function quantPilot(engine: string, model: string, threads: {prompt: number; decode: number}): Promise<EngineRun> {
    const args = ["--import", "tsx", join(REPO_ROOT, "src", "cli", "cli.ts"), "engine", "probe", model, "--engine", engine, "--gpu", "cpu",
        "--prompt-threads", String(threads.prompt), "--decode-threads", String(threads.decode),
        "--prompt-tokens", "512", "--decode-tokens", "128", "--repeats", "1", "--json"];
    const {stdout} = await run(process.execPath, args, {cwd: REPO_ROOT, maxBuffer: 16 << 20});
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as {build: string; promptTokensPerSecond: number; decodeTokensPerSecond: number};
    return {build: result.build, pp512: result.promptTokensPerSecond, tg128: result.decodeTokensPerSecond};
}

/** The QuantPilot engines to measure: the local build (active or not) when there is one, and the prebuilt binaries. */
function quantPilotEngines(): string[] {
    const builds = new LocalEngineBuilds();
    const slot = builds.activeRecord()?.slot ?? ["a", "b"].find((s) => builds.foldersOfSlot(s).some((f) => builds.isComplete(f)));
    return slot != null ? [`slot:${slot}`, "prebuilt"] : ["prebuilt"];
}

async function benchModel(name: string, bin: string, rounds: number): Promise<ModelRun> {
    const model = await MODELS[name]!();
    const threads = threadCounts();
    const engines = quantPilotEngines();
    const runs = new Map<string, EngineRun[]>([["llama-bench", []], ...engines.map((e) => [e, []] as [string, EngineRun[]])]);
    for (let round = 0; round < rounds; round++) {
        runs.get("llama-bench")!.push(await llamaBench(bin, model, threads));
        for (const engine of engines)
            runs.get(engine)!.push(await quantPilot(engine, model, threads));
    }
    const medianOf = (list: EngineRun[]): EngineRun =>
        ({build: list[0]!.build, pp512: round(median(list.map((r) => r.pp512))), tg128: round(median(list.map((r) => r.tg128)))});
    const reference = medianOf(runs.get("llama-bench")!);
    const measured = engines.map((engine) => {
        const speed = medianOf(runs.get(engine)!);
        return {...speed, ratio: {pp512: round(speed.pp512 / reference.pp512, 3), tg128: round(speed.tg128 / reference.tg128, 3)}};
    });
    return {model: name, threads, llamaBench: {pp512: reference.pp512, tg128: reference.tg128}, engines: measured};
}

function round(x: number, digits = 1): number {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

function print(runs: readonly ModelRun[]): void {
    console.log(`Machine: ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} logical CPUs, ${physicalCoreCount()} physical cores`);
    for (const r of runs) {
        console.log(`\n${r.model}: threads prompt ${r.threads.prompt}, decode ${r.threads.decode}`);
        console.log(`  llama-bench          pp512 ${r.llamaBench.pp512.toFixed(1)} t/s   tg128 ${r.llamaBench.tg128.toFixed(1)} t/s`);
        for (const e of r.engines)
            console.log(`  QuantPilot ${e.build.padEnd(10)} pp512 ${e.pp512.toFixed(1)} t/s (${e.ratio.pp512.toFixed(2)}x)   tg128 ${e.tg128.toFixed(1)} t/s (${e.ratio.tg128.toFixed(2)}x)`);
    }
}

async function main(): Promise<void> {
    const rounds = Number(values.rounds);
    const bin = llamaBenchPath();
    const runs: ModelRun[] = [];
    for (const name of values.models!.split(",")) {
        if (MODELS[name] == null)
            throw new Error(`unknown model "${name}" (coder, small, real)`);
        runs.push(await benchModel(name, bin, rounds));
    }
    print(runs);
    if (values.json) {
        const first = runs[0]!;
        const best = first.engines[0]!;
        console.log(JSON.stringify({
            quantpilot: {pp512: best.pp512, tg128: best.tg128, threads: first.threads, build: best.build},
            llamaBench: first.llamaBench,
            ratio: best.ratio,
            runs
        }));
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
