import type {TestContext} from "node:test";

/** Kept from before any mocking: `settle()` needs a real turn of the event loop. */
const realSetImmediate = setImmediate;

/** Fake time for one test: setTimeout, setInterval and Date are mocked; node:test restores them after the test. */
export interface FakeTime {
    /** Milliseconds of fake time since `fakeTime()` (Date.now() is `startMs` + this). */
    readonly elapsed: number;
    /** Lets every promise continuation that is ready run, without moving the clock. */
    settle(): Promise<void>;
    /** Moves the clock `ms` forward, one millisecond at a time, settling in between, so timers set by continuations fire on time. */
    advance(ms: number): Promise<void>;
    /**
     * Moves the clock until `promise` settles; returns its value and the fake milliseconds that took.
     * Fails (instead of hanging) when it has not settled after `limitMs`.
     */
    until<T>(promise: Promise<T>, limitMs?: number): Promise<{value: T; ms: number}>;
}

export function fakeTime(t: TestContext, startMs = 0): FakeTime {
    t.mock.timers.enable({apis: ["setTimeout", "setInterval", "Date"], now: startMs});
    let elapsed = 0;
    const settle = () => new Promise<void>((resolve) => realSetImmediate(resolve));
    const step = async () => {
        t.mock.timers.tick(1);
        elapsed++;
        await settle();
    };
    return {
        get elapsed() {
            return elapsed;
        },
        settle,
        async advance(ms) {
            await settle();
            for (let i = 0; i < ms; i++)
                await step();
        },
        async until<T>(promise: Promise<T>, limitMs = 60_000): Promise<{value: T; ms: number}> {
            let outcome: {value: T} | {error: unknown} | undefined;
            promise.then((value) => outcome = {value}, (error: unknown) => outcome = {error});
            const started = elapsed;
            await settle();
            while (outcome == null && elapsed - started < limitMs)
                await step();
            if (outcome == null)
                throw new Error(`still pending after ${limitMs} ms of fake time`);
            if ("error" in outcome)
                throw outcome.error;
            return {value: outcome.value, ms: elapsed - started};
        }
    };
}

/**
 * Resolves once `condition()` holds, checking once per turn of the event loop (for conditions
 * that depend on another process: its output, its exit). No fixed delay. `signal` is the test's
 * own (`t.signal`), so the wait ends with the test when the test times out.
 */
export async function until(condition: () => boolean | Promise<boolean>, signal: AbortSignal): Promise<void> {
    while (!(await condition())) {
        signal.throwIfAborted();
        await new Promise<void>((resolve) => realSetImmediate(resolve));
    }
}
