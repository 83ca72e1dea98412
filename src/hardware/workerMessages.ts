import type {SystemReadings} from "./hardwareSnapshot";

/** The sampling host asks the worker. */
export type WorkerRequest =
    /** Take one sample of every sensor; answered by `readings` with the same id. */
    | {readonly type: "sample"; readonly id: number}
    /** Stop streaming sensors (kill nvidia-smi) and exit. */
    | {readonly type: "dispose"};

/** The worker answers. */
export type WorkerResponse =
    | {readonly type: "readings"; readonly id: number; readonly readings: SystemReadings}
    /** A sensor turned itself off; the host logs it. */
    | {readonly type: "sensorDisabled"; readonly label: string; readonly message: string};

/** What the host passes as `workerData`. */
export interface WorkerSetup {
    readonly intervalMs: number;
}
