import {existsSync} from "node:fs";
import {join} from "node:path";
import {Worker} from "node:worker_threads";
import {decodeReferenceWindow} from "../referenceWindowCodec";
import {ReferenceWindowBuilder, type ReferenceWindowRows} from "../../stats/referenceWindow";
import {WindowComparer, type WindowComparison} from "../../stats/windowComparison";
import type {ReferencePosition} from "../../stats/logSoftmax";

/** One slice of a window's positions, as a math worker gets it. */
export type MathTask =
    | {readonly kind: "reference"; readonly logits: SharedArrayBuffer; readonly vocabularySize: number; readonly from: number; readonly to: number; readonly actual: readonly number[]}
    | {readonly kind: "compare"; readonly logits: SharedArrayBuffer; readonly vocabularySize: number; readonly from: number; readonly to: number; readonly reference: SharedArrayBuffer};

export type MathResult =
    | {readonly kind: "reference"; readonly positions: ReferencePosition[]}
    | {readonly kind: "compare"; readonly kld: Float64Array; readonly sameTop1: Uint8Array; readonly candidateNll: Float64Array; readonly deltaP: Float64Array};

/** Rows `from`..`to` (exclusive) of a window's logits. */
function rows(logits: SharedArrayBuffer, vocabularySize: number, from: number, to: number): Float32Array[] {
    return Array.from({length: to - from}, (_, i) => new Float32Array(logits, (from + i) * vocabularySize * 4, vocabularySize));
}

/** The arithmetic of one slice; the same in a worker and on the calling thread. */
export function runMathTask(task: MathTask): MathResult {
    const logits = rows(task.logits, task.vocabularySize, task.from, task.to);
    if (task.kind === "reference") {
        const builder = new ReferenceWindowBuilder(0, task.vocabularySize);
        logits.forEach((l, i) => builder.add(l, task.actual[i]!));
        const {window, rows: built} = builder.build();
        return {kind: "reference", positions: built.map((row, i) => ({row, top1: window.top1[i]!, nll: window.nll[i]!}))};
    }
    const stored = decodeReferenceWindow(Buffer.from(task.reference))!;
    const slice: ReferenceWindowRows = {
        window: {...stored.window, positions: task.to - task.from, top1: stored.window.top1.subarray(task.from, task.to),
            actual: stored.window.actual.subarray(task.from, task.to), nll: stored.window.nll.subarray(task.from, task.to)},
        rows: stored.rows.slice(task.from, task.to)
    };
    const comparer = new WindowComparer(slice);
    for (const l of logits)
        comparer.add(l);
    const {kld, sameTop1, candidateNll, deltaP} = comparer.finish();
    return {kind: "compare", kld, sameTop1, candidateNll, deltaP};
}

/** The built worker next to the bundle; from source (tests, benchmarks), the TypeScript file through tsx. */
function newWorker(): Worker | undefined {
    const built = join(__dirname, "logitsMathWorker.js");
    if (existsSync(built))
        return new Worker(built);
    const source = join(__dirname, "logitsMathWorker.ts");
    return existsSync(source) ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(source)});`, {eval: true}) : undefined;
}

/**
 * The per-token arithmetic of a window spread over `size` threads, as llama-perplexity spreads
 * it over its threads: the positions are cut into one slice per thread, the logits shared
 * (copied once into shared memory). With one thread, or without the worker file, it all runs
 * on the calling thread.
 */
export class LogitsMath {
    private readonly workers: Worker[] = [];
    private shared: SharedArrayBuffer | undefined;

    constructor(size: number) {
        for (let i = 0; size > 1 && i < size; i++) {
            const worker = newWorker();
            if (worker == null)
                break;
            this.workers.push(worker);
        }
    }

    async reference(logits: Float32Array, vocabularySize: number, windowIndex: number, actual: readonly number[]): Promise<ReferenceWindowRows> {
        const positions = actual.length;
        const results = await this.spread(logits, positions, (buffer, from, to) =>
            ({kind: "reference", logits: buffer, vocabularySize, from, to, actual: actual.slice(from, to)}));
        const all = results.flatMap((r) => r.kind === "reference" ? r.positions : []);
        return {
            window: {windowIndex, positions, vocabularySize, top1: Int32Array.from(all, (p) => p.top1), actual: Int32Array.from(actual), nll: Float64Array.from(all, (p) => p.nll)},
            rows: all.map((p) => p.row)
        };
    }

    async compare(logits: Float32Array, vocabularySize: number, referenceFile: Buffer, windowIndex: number): Promise<WindowComparison> {
        const stored = decodeReferenceWindow(referenceFile);
        if (stored == null || stored.window.positions * vocabularySize !== logits.length)
            throw new Error("the reference's record of this window is damaged or belongs to another model");
        const reference = new SharedArrayBuffer(referenceFile.length);
        new Uint8Array(reference).set(referenceFile);
        const positions = logits.length / vocabularySize;
        const results = await this.spread(logits, positions, (buffer, from, to) => ({kind: "compare", logits: buffer, vocabularySize, from, to, reference}));
        const part = (pick: (r: Extract<MathResult, {kind: "compare"}>) => ArrayLike<number>) => results.flatMap((r) => r.kind === "compare" ? Array.from(pick(r)) : []);
        return {
            windowIndex, kld: Float64Array.from(part((r) => r.kld)), sameTop1: Uint8Array.from(part((r) => r.sameTop1)),
            referenceNll: Float64Array.from(stored.window.nll), candidateNll: Float64Array.from(part((r) => r.candidateNll)), deltaP: Float64Array.from(part((r) => r.deltaP))
        };
    }

    async dispose(): Promise<void> {
        await Promise.all(this.workers.map((w) => w.terminate()));
    }

    /** Copies the logits into shared memory and runs one slice per worker (or all on this thread). */
    private spread(logits: Float32Array, positions: number, task: (buffer: SharedArrayBuffer, from: number, to: number) => MathTask): Promise<MathResult[]> {
        if (this.shared == null || this.shared.byteLength < logits.byteLength)
            this.shared = new SharedArrayBuffer(logits.byteLength);
        new Float32Array(this.shared, 0, logits.length).set(logits);
        const buffer = this.shared;
        if (this.workers.length === 0)
            return Promise.resolve([runMathTask(task(buffer, 0, positions))]);
        const per = Math.ceil(positions / this.workers.length);
        const slices = this.workers.map((worker, i) => ({worker, from: i * per, to: Math.min(positions, (i + 1) * per)})).filter((s) => s.from < s.to);
        return Promise.all(slices.map((s) => run(s.worker, task(buffer, s.from, s.to))));
    }
}

/** The buffers of a result, handed over to the receiving thread instead of copied. */
export function transferables(result: MathResult): ArrayBuffer[] {
    const views = result.kind === "reference"
        ? result.positions.flatMap((p) => p.row.ids != null ? [p.row.ids, p.row.logits] : [p.row.logits])
        : [result.kld, result.sameTop1, result.candidateNll, result.deltaP];
    return [...new Set(views.map((v) => v.buffer as ArrayBuffer))];
}

function run(worker: Worker, task: MathTask): Promise<MathResult> {
    return new Promise((resolve, reject) => {
        const cleanup = () => {
            worker.off("message", onMessage);
            worker.off("error", onError);
        };
        const onMessage = (result: MathResult) => {
            cleanup();
            resolve(result);
        };
        const onError = (err: Error) => {
            cleanup();
            reject(err);
        };
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.postMessage(task);
    });
}
