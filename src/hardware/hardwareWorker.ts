// Entry point of the sampling worker thread (dist/hardwareWorker.js). systeminformation runs
// synchronous child processes for some sensors (nvidia-smi, temperature scripts); here they can
// only ever block this thread, never the extension host's.
import {parentPort, workerData} from "node:worker_threads";
import {HardwareSampler} from "./hardwareSampler";
import type {SystemReadings} from "./hardwareSnapshot";
import {createSystemSources} from "./systemSources";
import type {WorkerRequest, WorkerResponse, WorkerSetup} from "./workerMessages";

const port = parentPort!;
const setup = workerData as WorkerSetup;
const sampler = new HardwareSampler(createSystemSources(setup.intervalMs), {
    onDisabled: (label, err) => post({type: "sensorDisabled", label, message: err instanceof Error ? err.message : String(err)})
});

function post(message: WorkerResponse): void {
    port.postMessage(message);
}

port.on("message", (request: WorkerRequest) => {
    switch (request.type) {
        case "sample":
            void sampler.sample().then((readings) => post({type: "readings", id: request.id, readings: readings as SystemReadings}));
            break;
        case "dispose":
            sampler.dispose();
            port.close();
            break;
        default:
            request satisfies never;
    }
});
