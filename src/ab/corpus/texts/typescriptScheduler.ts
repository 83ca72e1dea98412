import type {CorpusDocument} from "../corpusDocument";

export const typescriptScheduler: CorpusDocument = {
    name: "scheduler.ts",
    kind: "code",
    language: "typescript",
    text: String.raw`/**
 * A small job scheduler: jobs run with a concurrency limit, retry with backoff, and report
 * progress to listeners. Nothing here touches the network; callers supply the work.
 */

export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

export interface JobOptions {
    /** Higher runs first. Default: 0. */
    priority?: number;
    /** Attempts before the job counts as failed. Default: 3. */
    attempts?: number;
    /** Milliseconds before the first retry; doubles each time. Default: 250. */
    backoffMs?: number;
}

interface Job<T> {
    id: number;
    name: string;
    run: (signal: AbortSignal) => Promise<T>;
    priority: number;
    attemptsLeft: number;
    backoffMs: number;
    state: JobState;
    controller: AbortController;
    resolve: (value: T) => void;
    reject: (reason: unknown) => void;
}

type Listener = (event: {id: number; name: string; state: JobState; error?: unknown}) => void;

export class Scheduler {
    private readonly queue: Job<unknown>[] = [];
    private readonly running = new Set<Job<unknown>>();
    private readonly listeners = new Set<Listener>();
    private nextId = 1;
    private paused = false;

    constructor(private readonly concurrency = 2, private readonly sleep = defaultSleep) {
        if (!Number.isInteger(concurrency) || concurrency < 1)
            throw new RangeError("concurrency must be a positive integer");
    }

    get pending(): number {
        return this.queue.length;
    }

    get active(): number {
        return this.running.size;
    }

    onChange(listener: Listener): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    add<T>(name: string, run: (signal: AbortSignal) => Promise<T>, options: JobOptions = {}): Promise<T> {
        return new Promise<T>((resolve, reject) => {
            const job: Job<T> = {
                id: this.nextId++,
                name,
                run,
                priority: options.priority ?? 0,
                attemptsLeft: options.attempts ?? 3,
                backoffMs: options.backoffMs ?? 250,
                state: "queued",
                controller: new AbortController(),
                resolve,
                reject
            };
            this.insert(job as Job<unknown>);
            this.emit(job as Job<unknown>);
            this.pump();
        });
    }

    cancel(id: number): boolean {
        const index = this.queue.findIndex((job) => job.id === id);
        if (index >= 0) {
            const [job] = this.queue.splice(index, 1);
            this.finish(job!, "cancelled", new Error("cancelled before it started"));
            return true;
        }
        for (const job of this.running) {
            if (job.id === id) {
                job.controller.abort();
                return true;
            }
        }
        return false;
    }

    pause(): void {
        this.paused = true;
    }

    resume(): void {
        this.paused = false;
        this.pump();
    }

    async drain(): Promise<void> {
        while (this.queue.length > 0 || this.running.size > 0)
            await this.sleep(10);
    }

    private insert(job: Job<unknown>): void {
        let index = this.queue.length;
        while (index > 0 && this.queue[index - 1]!.priority < job.priority)
            index--;
        this.queue.splice(index, 0, job);
    }

    private pump(): void {
        while (!this.paused && this.running.size < this.concurrency && this.queue.length > 0) {
            const job = this.queue.shift()!;
            this.running.add(job);
            void this.execute(job);
        }
    }

    private async execute(job: Job<unknown>): Promise<void> {
        job.state = "running";
        this.emit(job);
        while (true) {
            try {
                const value = await job.run(job.controller.signal);
                job.resolve(value);
                this.finish(job, "done");
                return;
            } catch (error) {
                job.attemptsLeft--;
                if (job.controller.signal.aborted) {
                    this.finish(job, "cancelled", error);
                    return;
                }
                if (job.attemptsLeft <= 0) {
                    this.finish(job, "failed", error);
                    return;
                }
                await this.sleep(job.backoffMs);
                job.backoffMs *= 2;
            }
        }
    }

    private finish(job: Job<unknown>, state: JobState, error?: unknown): void {
        job.state = state;
        this.running.delete(job);
        if (state !== "done")
            job.reject(error ?? new Error(state));
        this.emit(job, error);
        this.pump();
    }

    private emit(job: Job<unknown>, error?: unknown): void {
        for (const listener of this.listeners)
            listener({id: job.id, name: job.name, state: job.state, error});
    }
}

function defaultSleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

export function summarize(events: ReadonlyArray<{state: JobState}>): Record<JobState, number> {
    const counts: Record<JobState, number> = {queued: 0, running: 0, done: 0, failed: 0, cancelled: 0};
    for (const event of events)
        counts[event.state]++;
    return counts;
}
`
};
