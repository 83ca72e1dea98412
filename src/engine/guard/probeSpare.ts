import type {ProbeBackend} from "./probeProtocol";
import {ProbeProcess, probeLimits, type ProbeLimits} from "./probeProcess";

/** A spare nobody takes is stopped after this long, so an idle editor holds no extra process. */
const SPARE_IDLE_MS = 120_000;

let spare: {readonly key: string; readonly probe: ProbeProcess; readonly timer: NodeJS.Timeout} | undefined;

function keyOf(backend: ProbeBackend): string {
    return `${backend.gpu} ${backend.engineBuild}`;
}

/**
 * Starts a probe child ahead of need (when the user is about to pick a model file), so that its
 * node-llama-cpp and llama.cpp backend are up by the time a file not seen before is loaded and the
 * probe only has the file left to do. One spare at most; it stops by itself when not taken.
 */
export function prestartProbe(backend: ProbeBackend): void {
    if (spare?.key === keyOf(backend) && spare.probe.alive)
        return;
    disposeSpareProbe();
    // The heap limit is the one limit fixed at start; it does not depend on the file.
    const probe = ProbeProcess.start(backend, probeLimits(0)).waitInBackground();
    spare = {key: keyOf(backend), probe, timer: setTimeout(disposeSpareProbe, SPARE_IDLE_MS).unref()};
}

/** The spare for this backend, if one is running, put to work under `limits`; it is no longer the spare. */
export function takeSpareProbe(backend: ProbeBackend, limits: ProbeLimits): ProbeProcess | undefined {
    const taken = spare;
    if (taken == null || taken.key !== keyOf(backend) || !taken.probe.alive)
        return undefined;
    clearTimeout(taken.timer);
    spare = undefined;
    return taken.probe.takeOn(limits);
}

export function disposeSpareProbe(): void {
    if (spare == null)
        return;
    clearTimeout(spare.timer);
    spare.probe.dispose();
    spare = undefined;
}

/** Resolves once the spare's backend is up (at once when there is none). */
export async function spareProbeReady(): Promise<void> {
    if (spare == null)
        return;
    // Whoever waits keeps the process alive; the spare alone does not.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
        await spare.probe.whenReady();
    } finally {
        clearInterval(keepAlive);
    }
}
