/**
 * An AbortSignal that fires `ms` after the last `reset()` unless cleared: a budget for a request
 * (never reset) or an idle limit for a stream (reset on every piece). Built on setTimeout rather
 * than AbortSignal.timeout so that tests drive it with fake timers instead of waiting.
 */
export class Deadline {
    private readonly controller = new AbortController();
    private timer: ReturnType<typeof setTimeout> | undefined;

    constructor(readonly budgetMs: number) {
        this.reset();
    }

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    get expired(): boolean {
        return this.controller.signal.aborted;
    }

    reset(): void {
        if (this.expired)
            return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.controller.abort(new DOMException("deadline", "TimeoutError")), this.budgetMs);
    }

    clear(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
    }
}
