import type {LlamaContext, LlamaModel} from "node-llama-cpp";

/** Thread counts for the two phases of a request. */
export interface PhaseThreadCounts {
    /** Threads for prompt batches (many tokens at once: compute-bound, scales with cores). */
    readonly prompt: number;
    /** Threads for decode steps (one token at a time: memory-bound, and the JS thread needs a core too). */
    readonly decode: number;
}

/**
 * A batch with fewer tokens than this counts as a decode step. Small batches (a single sampled
 * token, or the few tokens typed since the last request) are dominated by reading the weights
 * like a single-token step is, so they suffer the same thread contention.
 */
export const PROMPT_BATCH_MIN_TOKENS = 16;

export interface PhaseThreads {
    readonly counts: PhaseThreadCounts;
    set(counts: PhaseThreadCounts): void;
}

/*
 * ADAPTER ON node-llama-cpp INTERNALS (3.21.x) — the only place that touches them.
 *
 * node-llama-cpp gives a context one thread count and, before every `decodeBatch()`, calls
 * `context._ctx.setThreads(n)` (after `initBatch(size)`) with that count. On small machines the
 * best count differs by phase: prompt batches want every core, single-token decoding collapses
 * (measured ~0.15x of llama-bench on 2 cores) when ggml's threads compete with the JS thread and
 * libuv. So the native context object's `initBatch` is wrapped to remember the batch size and its
 * `setThreads` to substitute the count for that phase. Both are checked at runtime; when they are
 * missing (a future node-llama-cpp), nothing is wrapped and the context keeps its single count.
 */
interface NativeContext {
    initBatch(size: number): void;
    setThreads(threads: number): void;
}

const serving = new WeakMap<LlamaModel, PhaseThreads>();

/**
 * Makes `context` use `counts.prompt` threads for prompt batches and `counts.decode` for decode
 * steps. Returns undefined (and changes nothing) when this node-llama-cpp lacks the internals.
 * The returned handle changes the counts live, e.g. after a thread probe.
 */
export function usePhaseThreads(context: LlamaContext, counts: PhaseThreadCounts): PhaseThreads | undefined {
    const native = nativeContextOf(context);
    if (native == null)
        return undefined;
    const initBatch = native.initBatch.bind(native);
    const setThreads = native.setThreads.bind(native);
    let current = normalize(counts);
    let batchSize = 1;
    // Own properties shadow the prototype's methods, which N-API defines as read-only.
    define(native, "initBatch", (size: number) => {
        batchSize = size;
        initBatch(size);
    });
    define(native, "setThreads", () => setThreads(batchSize >= PROMPT_BATCH_MIN_TOKENS ? current.prompt : current.decode));
    return {
        get counts() {
            return current;
        },
        set(next) {
            current = normalize(next);
        }
    };
}

/**
 * THE HOOK for the code that creates a model's serving context (LocalEngine): call it once right
 * after `createContext`, with the counts from the thread policy. It installs the phase threads
 * and registers them under the model, so a later thread probe (and the panel) can find and
 * change them with `servingThreadsOf(model)`.
 */
export function useServingThreads(context: LlamaContext, counts: PhaseThreadCounts): PhaseThreads | undefined {
    const handle = usePhaseThreads(context, counts);
    if (handle != null)
        serving.set(context.model, handle);
    return handle;
}

/** The phase threads of the context that serves `model`, if `useServingThreads` installed them. */
export function servingThreadsOf(model: LlamaModel): PhaseThreads | undefined {
    return serving.get(model);
}

function nativeContextOf(context: LlamaContext): NativeContext | undefined {
    const native = (context as unknown as {_ctx?: Partial<NativeContext>})._ctx;
    if (native == null || typeof native.initBatch !== "function" || typeof native.setThreads !== "function")
        return undefined;
    return native as NativeContext;
}

function define<K extends keyof NativeContext>(native: NativeContext, key: K, value: NativeContext[K]): void {
    Object.defineProperty(native, key, {value, configurable: true, writable: true});
}

function normalize(counts: PhaseThreadCounts): PhaseThreadCounts {
    const clean = (n: number) => Number.isInteger(n) && n >= 1 ? n : 1;
    return {prompt: clean(counts.prompt), decode: clean(counts.decode)};
}
