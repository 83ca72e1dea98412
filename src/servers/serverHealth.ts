/** Options of the health checks after a server failed; every field has a default. */
export interface HealthOptions {
    /** Wait before the first check. Default: 1000 ms. */
    readonly firstDelayMs?: number;
    /** The wait doubles after each failed check, up to this. Default: 60000 ms. */
    readonly maxDelayMs?: number;
}

/**
 * Checks a failed server again and again, waiting longer after each failure (1 s, 2 s, 4 s … up to
 * a minute), until a check passes. The waits are setTimeout timers, so tests move them with fake
 * timers; a check runs only when its timer fires, never in a loop.
 */
export class ServerHealth {
    private timer: ReturnType<typeof setTimeout> | undefined;
    private delayMs: number;
    private checking: AbortController | undefined;
    private disposed = false;

    constructor(
        private readonly probe: (signal: AbortSignal) => Promise<unknown>,
        private readonly onHealthy: () => void,
        private readonly options: HealthOptions = {}
    ) {
        this.delayMs = options.firstDelayMs ?? 1000;
    }

    /** True while checks are scheduled or running. */
    get watching(): boolean {
        return this.timer != null || this.checking != null;
    }

    /** The server failed: start checking it (a no-op while already checking). */
    failed(): void {
        if (this.watching || this.disposed)
            return;
        this.schedule();
    }

    /** The server works: stop checking and start the next round of waits short again. */
    recovered(): void {
        this.stop();
        this.delayMs = this.options.firstDelayMs ?? 1000;
    }

    dispose(): void {
        this.disposed = true;
        this.stop();
    }

    private schedule(): void {
        this.timer = setTimeout(() => void this.check(), this.delayMs);
        this.delayMs = Math.min(this.delayMs * 2, this.options.maxDelayMs ?? 60_000);
    }

    private async check(): Promise<void> {
        this.timer = undefined;
        const controller = new AbortController();
        this.checking = controller;
        let healthy = false;
        try {
            await this.probe(controller.signal);
            healthy = true;
        } catch {
            // Still down: the next check waits longer.
        } finally {
            this.checking = undefined;
        }
        if (this.disposed || controller.signal.aborted)
            return;
        if (healthy) {
            this.recovered();
            this.onHealthy();
        } else {
            this.schedule();
        }
    }

    private stop(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.checking?.abort();
        this.checking = undefined;
    }
}
