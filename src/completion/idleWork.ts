import {abortError, isAbortError} from "../util/abort";
import type {Logger} from "../util/logger";

/** How long the editor must be quiet before idle-time work starts. */
export const IDLE_DELAY_MS = 100;

/**
 * Runs one piece of idle-time work at a time (prefetch, warm-up), after a short quiet period.
 * Scheduling new work or `stop()` aborts what is scheduled or running: a keystroke always comes
 * first.
 */
export class IdleWork {
    private controller: AbortController | undefined;
    private timer: ReturnType<typeof setTimeout> | undefined;
    private task: Promise<void> = Promise.resolve();

    constructor(private readonly log: Logger, private readonly delayMs = IDLE_DELAY_MS) {}

    schedule(work: (signal: AbortSignal) => Promise<void>): void {
        void this.stop();
        const controller = new AbortController();
        this.controller = controller;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.task = work(controller.signal).catch((err: unknown) => {
                if (!isAbortError(err))
                    this.log.debug(`idle completion work failed: ${(err as Error).message ?? err}`);
            });
        }, this.delayMs);
    }

    /** Aborts scheduled or running work; resolves once running work has ended. */
    stop(): Promise<void> {
        if (this.timer != null)
            clearTimeout(this.timer);
        this.timer = undefined;
        this.controller?.abort();
        this.controller = undefined;
        return this.task;
    }
}

/** Resolves false when `signal` aborts during the wait. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted)
        return Promise.resolve(false);
    if (ms <= 0)
        return Promise.resolve(true);
    return new Promise((resolve) => {
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve(true);
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            resolve(false);
        };
        signal?.addEventListener("abort", onAbort, {once: true});
    });
}

/** `promise`, or an AbortError as soon as `signal` aborts (the promise itself keeps running). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal == null)
        return promise;
    if (signal.aborted)
        return Promise.reject(abortError());
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(abortError());
        signal.addEventListener("abort", onAbort, {once: true});
        promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
}
