import {resolve} from "node:path";
import {Worker} from "node:worker_threads";
import type {SystemReadings} from "./hardwareSnapshot";
import type {SensorSource} from "./sensorSource";
import type {WorkerRequest, WorkerResponse, WorkerSetup} from "./workerMessages";

export interface WorkerSystemSourceOptions {
    /** The bundled worker script (dist/hardwareWorker.js). */
    readonly workerPath: string;
    /** Milliseconds between samples, for sensors that stream. */
    readonly intervalMs: number;
    /** Told when a sensor inside the worker turns itself off. */
    readonly onSensorDisabled?: (label: string, message: string) => void;
}

/**
 * All machine sensors as one source, read in a worker thread. The worker starts on the first
 * read; if it dies, the pending read fails and the sampler turns machine readings off with the
 * reason.
 */
export class WorkerSystemSource implements SensorSource<SystemReadings> {
    readonly label = "Hardware sampler";
    private worker: Worker | undefined;
    private nextId = 1;
    private readonly pending = new Map<number, {resolve(r: SystemReadings): void; reject(e: Error): void}>();

    constructor(private readonly options: WorkerSystemSourceOptions) {}

    read(): Promise<SystemReadings> {
        const worker = this.worker ?? this.start();
        const id = this.nextId++;
        return new Promise<SystemReadings>((resolve, reject) => {
            this.pending.set(id, {resolve, reject});
            worker.postMessage({type: "sample", id} satisfies WorkerRequest);
        });
    }

    dispose(): void {
        const worker = this.worker;
        this.worker = undefined;
        if (worker == null)
            return;
        // Let the worker stop nvidia-smi itself; terminate anyway if it does not exit soon.
        worker.postMessage({type: "dispose"} satisfies WorkerRequest);
        setTimeout(() => void worker.terminate(), 1000).unref();
        // Reads still out are dropped, not failed: stopping is not a sensor error.
        this.pending.clear();
    }

    private start(): Worker {
        const worker = new Worker(resolve(this.options.workerPath), {
            workerData: {intervalMs: this.options.intervalMs} satisfies WorkerSetup,
            // A sampler needs little; a leak must not grow into the extension host's memory.
            resourceLimits: {maxOldGenerationSizeMb: 64}
        });
        worker.unref();
        worker.on("message", (message: WorkerResponse) => this.onMessage(message));
        worker.on("error", (err) => this.failAll(err));
        worker.on("exit", (code) => {
            if (this.worker === worker) {
                this.worker = undefined;
                this.failAll(new Error(`the sampling worker exited (code ${code})`));
            }
        });
        this.worker = worker;
        return worker;
    }

    private onMessage(message: WorkerResponse): void {
        switch (message.type) {
            case "readings":
                this.pending.get(message.id)?.resolve(message.readings);
                this.pending.delete(message.id);
                break;
            case "sensorDisabled":
                this.options.onSensorDisabled?.(message.label, message.message);
                break;
            default:
                message satisfies never;
        }
    }

    private failAll(err: Error): void {
        for (const {reject} of this.pending.values())
            reject(err);
        this.pending.clear();
    }
}
