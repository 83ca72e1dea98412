import {test} from "node:test";
import assert from "node:assert/strict";
import {flatten, HardwareMonitor} from "../../src/hardware/hardwareMonitor";
import type {HardwareSnapshot, SystemReadings} from "../../src/hardware/hardwareSnapshot";
import type {SensorSource} from "../../src/hardware/sensorSource";
import {WorkerSystemSource} from "../../src/hardware/workerSystemSource";
import {fakeTime} from "../helpers/fakeTime";
import {hardwareWorkerBundle} from "../helpers/hardwareWorker";

const unavailable = {status: "unavailable", note: "not available on this machine"} as const;

function readings(cpuPercent: number): SystemReadings {
    return {
        cpu: {status: "ok", value: {totalPercent: cpuPercent, perCorePercent: [cpuPercent], model: "Fake"}, at: 1, stale: false},
        memory: {status: "ok", value: {totalBytes: 100, usedBytes: 40, availableBytes: 60, swapTotalBytes: 0, swapUsedBytes: 0}, at: 1, stale: false},
        gpus: unavailable,
        temperature: unavailable,
        battery: unavailable,
        power: unavailable
    };
}

function fakeSystem(read: (call: number) => Promise<SystemReadings>): {source: () => SensorSource<SystemReadings>; created: number; disposed: number; calls: number} {
    const counts = {created: 0, disposed: 0, calls: 0};
    return Object.assign(counts, {
        source: () => {
            counts.created++;
            return {label: "Fake machine", read: () => read(++counts.calls), dispose: () => void counts.disposed++};
        }
    });
}

/** The fake clock paces the monitor: Date.now() is mocked by fakeTime(). */
const clock = {now: () => Date.now()};

test("the monitor samples on its interval only between start and stop", async (t) => {
    const time = fakeTime(t);
    const system = fakeSystem(async (n) => readings(n));
    const monitor = new HardwareMonitor(system.source, {intervalMs: 100, ...clock});
    const seen: HardwareSnapshot[] = [];
    monitor.onSnapshot((s) => seen.push(s));
    await time.advance(1000);
    assert.equal(seen.length, 0, "nothing is sampled before start");
    monitor.start();
    await time.settle();
    assert.equal(seen.length, 1, "the first sample comes at once");
    await time.advance(99);
    assert.equal(seen.length, 1, "not before the interval has passed");
    await time.advance(1);
    assert.equal(seen.length, 2);
    await time.advance(200);
    monitor.stop();
    assert.deepEqual(seen.map((s) => s.takenAt), [1000, 1100, 1200, 1300], "one sample per 100 ms");
    await time.advance(1000);
    assert.equal(seen.length, 4, "nothing is sampled after stop");
    assert.equal(system.disposed, 1, "stopping frees the machine source (the worker)");
    assert.deepEqual(seen.map((s) => s.cpu.status === "ok" && s.cpu.value.totalPercent), [1, 2, 3, 4], "each sample is a new reading");
    assert.equal(seen.at(-1)!.process.status, "ok");
    assert.equal(monitor.latest, seen.at(-1));
    monitor.dispose();
});

test("a machine source slower than the interval never holds up the process readings", async (t) => {
    const time = fakeTime(t);
    const system = fakeSystem(() => new Promise<SystemReadings>(() => undefined));
    const monitor = new HardwareMonitor(system.source, {intervalMs: 100, waitMs: 20, ...clock});
    const seen: HardwareSnapshot[] = [];
    monitor.onSnapshot((s) => seen.push(s));
    monitor.start();
    await time.advance(310);
    monitor.stop(); // while the sample started at 300 waits for the machine
    await time.advance(500);
    monitor.dispose();
    assert.deepEqual(seen.map((s) => s.takenAt), [20, 120, 220], "each sample waits 20 ms for the machine, they stay 100 ms apart, and the one under way at stop is dropped");
    assert.ok(seen.every((s) => s.cpu.status === "waiting" && s.process.status === "ok"));
    assert.equal(system.calls, 1, "the machine source is not asked again while its read is out");
});

test("a machine source that fails turns every machine reading off with its reason", async (t) => {
    const time = fakeTime(t);
    const disabled: string[] = [];
    const system = fakeSystem(async () => {
        throw new Error("the sampling worker exited (code 1)");
    });
    const monitor = new HardwareMonitor(system.source, {intervalMs: 100, onSensorDisabled: (label, message) => disabled.push(`${label}: ${message}`), ...clock});
    const seen: HardwareSnapshot[] = [];
    monitor.onSnapshot((s) => seen.push(s));
    monitor.start();
    await time.advance(250);
    monitor.dispose();
    assert.equal(seen.length, 3);
    for (const snapshot of seen)
        assert.deepEqual(snapshot.memory, {status: "disabled", note: "Fake machine turned off after an error: the sampling worker exited (code 1)"});
    assert.deepEqual(disabled, ["Fake machine: the sampling worker exited (code 1)"], "told once");
    assert.equal(system.calls, 1, "a source turned off is not asked again");
});

test("changing the interval restarts a running monitor with the new pace", async (t) => {
    const time = fakeTime(t);
    const system = fakeSystem(async (n) => readings(n));
    const monitor = new HardwareMonitor(system.source, {intervalMs: 1000, ...clock});
    const seen: number[] = [];
    monitor.onSnapshot((s) => seen.push(s.takenAt));
    monitor.start();
    await time.advance(50);
    monitor.setInterval(100);
    await time.advance(400);
    monitor.dispose();
    assert.deepEqual([system.created, system.disposed], [2, 2], "the restart made a new machine source and freed the old one");
    assert.deepEqual(seen, [0, 50, 150, 250, 350, 450], "restarted at once, then every 100 ms");
    assert.equal(monitor.interval, 100);
    monitor.setInterval(5);
    assert.equal(monitor.interval, 100, "the interval has a floor of 100 ms");
});

test("a stale machine reading marks each of its values stale", () => {
    const snapshot = flatten({status: "ok", value: readings(5), at: 1, stale: true}, {status: "waiting"}, 42);
    assert.equal(snapshot.takenAt, 42);
    assert.deepEqual(snapshot.cpu, {...snapshot.cpu, stale: true});
    assert.deepEqual(snapshot.gpus, unavailable, "a missing sensor stays missing, not stale");
    const waiting = flatten({status: "waiting"}, {status: "waiting"}, 1);
    assert.deepEqual(waiting.battery, {status: "waiting"});
});

test("the sampling worker reads this machine's CPU and memory off the main thread", {timeout: 30_000}, async () => {
    const source = new WorkerSystemSource({
        workerPath: await hardwareWorkerBundle(),
        intervalMs: 1000
    });
    try {
        // The first reads may find slow sensors (GPU, temperature) still "waiting"; read until each has answered.
        let result = await source.read();
        while (Object.values(result).some((reading) => reading.status === "waiting"))
            result = await source.read();
        assert.equal(result.cpu.status, "ok");
        assert.equal(result.memory.status, "ok");
        if (result.cpu.status === "ok")
            assert.ok(result.cpu.value.perCorePercent.length >= 1);
        if (result.memory.status === "ok")
            assert.ok(result.memory.value.totalBytes > result.memory.value.availableBytes);
        for (const key of ["gpus", "temperature", "battery", "power"] as const)
            assert.ok(["ok", "unavailable"].includes(result[key].status), `${key}: ${JSON.stringify(result[key])}`);
    } finally {
        source.dispose();
    }
});
