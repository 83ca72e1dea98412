/**
 * Soak: a long editor session in one process, to show that memory stays flat and nothing crashes.
 *
 *   npm run bench:soak -- [--passes 5] [--switches 20] [--ab 5] [--pace 0.25] [--json]
 *
 * Through the services the extension uses: the ModelHost owns the loaded model (every load passes
 * the model guard), the CompletionService over the LocalCompleter answers a replayed typing trace
 * (the committed one, one pass per reopened file; the next keystroke cancels a request still
 * running, as the editor does), quantization switches go through ModelHost.load while typing goes
 * on, and A/B runs (src/ab/runner) are cancelled midway through their AbortSignal.
 *
 * A warm-up phase does one pass, one switch to every variant and one cancelled A/B run; then the
 * measured phase does `passes` passes, `switches` switches spread over them and `ab` cancelled
 * A/B runs between passes. Resident memory and the JS heap are read after a full GC at the end
 * of each phase. Goal: growth after warm-up < 5 %, no crash, every request answered or cancelled.
 *
 * Models: the "small" generated preset (random weights), quantized by QuantPilot's quantizer into
 * the variants below, on the CPU with 1 thread. Progress goes to stderr; with --json the last
 * line of stdout is one JSON object.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {parseArgs} from "node:util";
import {CompletionService, type CompletionSettings} from "../src/completion/completionService";
import {LocalCompleter} from "../src/completion/localCompleter";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {LocalEngine, type LoadOptions} from "../src/engine/localEngine";
import {ModelHost} from "../src/engine/modelHost";
import {silentLogger} from "../src/util/logger";
import {quantizedTestModel, testModel} from "../test/helpers/testModels";
import type {TypingTrace} from "./completionTrace";
import {round} from "./completionReplay";
import {cancelledAbRun} from "./soak/cancelledAb";
import {TypingLoad} from "./soak/typingLoad";

const {values} = parseArgs({
    options: {
        passes: {type: "string", default: "5"},
        switches: {type: "string", default: "20"},
        ab: {type: "string", default: "5"},
        pace: {type: "string", default: "0.25"},
        json: {type: "boolean", default: false}
    }
});

const PRESET = "small";
const VARIANT_TYPES = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_0"];
const LOAD_OPTIONS: LoadOptions = {gpu: "cpu", threads: 1, contextSize: 1024};
const SETTINGS: CompletionSettings = {maxTokens: 16, maxTimeMs: 2000, debounceMs: 0, alternatives: 3, prefetch: true};
const GROWTH_LIMIT_PCT = 5;

interface MemoryReading {
    readonly rssMb: number;
    readonly heapMb: number;
}

interface Tally {
    switches: number;
    switchFailures: number;
    abCancelled: number;
    abFinished: number;
    abFailures: number;
    crashes: number;
    readonly errors: string[];
}

function note(line: string): void {
    process.stderr.write(`${line}\n`);
}

/** Memory after a full collection, so garbage not yet collected does not count as growth. */
function memory(): MemoryReading {
    const gc = (globalThis as {gc?: () => void}).gc;
    if (gc == null)
        throw new Error("run with node --expose-gc (npm run bench:soak does)");
    gc();
    gc();
    const usage = process.memoryUsage();
    return {rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20};
}

/**
 * Switches the host between the variants, one at a time, while typing goes on: a switch asked
 * for while the previous one still loads waits for it (the user picks one level after another).
 */
class Switcher {
    private pending: Promise<void> = Promise.resolve();
    private next = 0;

    constructor(private readonly host: ModelHost, private readonly variants: readonly string[], private readonly tally: Tally) {}

    switchNow(): void {
        const target = this.variants[this.next++ % this.variants.length]!;
        this.pending = this.pending.then(async () => {
            try {
                const loaded = await this.host.load(target);
                if (loaded?.path !== target)
                    throw new Error(`the host serves ${loaded?.path ?? "nothing"} after switching to ${target}`);
                this.tally.switches++;
            } catch (err) {
                this.tally.switchFailures++;
                this.tally.errors.push(`switch: ${err instanceof Error ? err.message : String(err)}`);
            }
        });
    }

    settled(): Promise<void> {
        return this.pending;
    }
}

interface Phase {
    readonly name: string;
    readonly passes: number;
    readonly switches: number;
    readonly abRuns: number;
}

/** Memory after each pass (after a full GC): growth that levels off is caches filling, steady growth a leak. */
const series: MemoryReading[] = [];

async function runPhase(phase: Phase, typing: TypingLoad, switcher: Switcher, abRun: () => Promise<void>, keystrokesPerPass: number): Promise<void> {
    const switchEvery = phase.switches === 0 ? Infinity : Math.max(1, Math.floor(phase.passes * keystrokesPerPass / phase.switches));
    let sent = 0;
    let switched = 0;
    for (let pass = 0; pass < phase.passes; pass++) {
        await typing.pass(() => {
            if (++sent % switchEvery === 0 && switched < phase.switches) {
                switched++;
                switcher.switchNow();
            }
        });
        // A/B runs go between passes: the user compares levels while not typing.
        const abHere = Math.floor((pass + 1) * phase.abRuns / phase.passes) - Math.floor(pass * phase.abRuns / phase.passes);
        for (let i = 0; i < abHere; i++)
            await abRun();
        const now = memory();
        series.push(now);
        note(`  ${phase.name}: pass ${pass + 1}/${phase.passes}, ${JSON.stringify(typing.counts)}, rss ${round(now.rssMb)} MB, heap ${round(now.heapMb)} MB`);
    }
    while (switched++ < phase.switches)
        switcher.switchNow();
    await switcher.settled();
}

function growthPct(from: number, to: number): number {
    return round((to - from) / from * 100, 2);
}

async function main(): Promise<void> {
    const started = performance.now();
    const tally: Tally = {switches: 0, switchFailures: 0, abCancelled: 0, abFinished: 0, abFailures: 0, crashes: 0, errors: []};
    process.on("uncaughtException", (err) => {
        tally.crashes++;
        tally.errors.push(`uncaught: ${err.message}`);
    });
    process.on("unhandledRejection", (reason) => {
        tally.crashes++;
        tally.errors.push(`unhandled rejection: ${String(reason)}`);
    });
    const trace = JSON.parse(await readFile(join(__dirname, "traces", "typing-trace.json"), "utf8")) as TypingTrace;
    const reference = await testModel(PRESET);
    const variants: string[] = [];
    for (const type of VARIANT_TYPES)
        variants.push(await quantizedTestModel(PRESET, type));
    note(`soak: ${PRESET} preset, variants ${VARIANT_TYPES.join(", ")}, 1 thread, pace ${values.pace}`);

    const runtime = new LlamaRuntime(silentLogger);
    const engine = new LocalEngine(runtime, silentLogger);
    const host = new ModelHost(engine, () => Promise.resolve(LOAD_OPTIONS));
    const completer = new LocalCompleter(engine);
    const service = new CompletionService(completer, () => SETTINGS, silentLogger);
    const typing = new TypingLoad(completer, service, SETTINGS, trace, Number(values.pace));
    const switcher = new Switcher(host, variants, tally);
    const abRun = async (): Promise<void> => {
        try {
            const outcome = await cancelledAbRun(runtime, reference, variants[tally.abCancelled % variants.length]!);
            if (outcome === "cancelled")
                tally.abCancelled++;
            else
                tally.abFinished++;
        } catch (err) {
            tally.abFailures++;
            tally.errors.push(`A/B: ${err instanceof Error ? err.message : String(err)}`);
        }
    };
    const keystrokesPerPass = trace.events.filter((e) => e.op !== "visit" && e.op !== "jump").length;
    try {
        await host.load(variants[0]!);
        await runPhase({name: "warm-up", passes: 1, switches: variants.length, abRuns: 1}, typing, switcher, abRun, keystrokesPerPass);
        const warmTally = {...tally, errors: undefined};
        const warmCounts = {...typing.counts};
        const warm = memory();
        note(`warm: rss ${round(warm.rssMb)} MB, heap ${round(warm.heapMb)} MB`);
        await runPhase({name: "soak", passes: Number(values.passes), switches: Number(values.switches), abRuns: Number(values.ab)}, typing, switcher, abRun, keystrokesPerPass);
        const end = memory();
        note(`end: rss ${round(end.rssMb)} MB, heap ${round(end.heapMb)} MB`);
        report({
            completions: typing.counts.requests - warmCounts.requests,
            answered: typing.counts.answered - warmCounts.answered,
            aborted: typing.counts.aborted - warmCounts.aborted,
            failed: typing.counts.failed - warmCounts.failed,
            switches: tally.switches - warmTally.switches,
            switchFailures: tally.switchFailures,
            abCancelled: tally.abCancelled - warmTally.abCancelled,
            abFinished: tally.abFinished,
            abFailures: tally.abFailures,
            crashes: tally.crashes,
            warmUp: {completions: warmCounts.requests, switches: warmTally.switches, abCancelled: warmTally.abCancelled},
            rssWarmMb: round(warm.rssMb),
            rssEndMb: round(end.rssMb),
            rssGrowthPct: growthPct(warm.rssMb, end.rssMb),
            heapWarmMb: round(warm.heapMb),
            heapEndMb: round(end.heapMb),
            heapGrowthPct: growthPct(warm.heapMb, end.heapMb),
            rssByPassMb: series.map((m) => round(m.rssMb)),
            heapByPassMb: series.map((m) => round(m.heapMb)),
            durationS: round((performance.now() - started) / 1000),
            errors: [...tally.errors, ...typing.errors].slice(0, 10)
        });
    } finally {
        service.dispose();
        host.dispose();
        await engine.dispose();
        await runtime.dispose();
    }
}

function report(result: Record<string, unknown> & {completions: number; answered: number; aborted: number; failed: number; rssGrowthPct: number; crashes: number}): void {
    const accounted = result.answered + result.aborted === result.completions && result.failed === 0;
    const pass = accounted && result.crashes === 0 && result.rssGrowthPct < GROWTH_LIMIT_PCT;
    note(`${result.completions} requests: ${result.answered} answered, ${result.aborted} cancelled, ${result.failed} failed; ` +
        `rss growth ${result.rssGrowthPct} % (goal < ${GROWTH_LIMIT_PCT} %): ${pass ? "pass" : "FAIL"}`);
    if (values.json)
        console.log(JSON.stringify({...result, pass}));
    if (!pass)
        process.exitCode = 1;
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
