import {test} from "node:test";
import assert from "node:assert/strict";
import {flatten, HardwareMonitor} from "../../src/hardware/hardwareMonitor";
import type {HardwareSnapshot, SystemReadings} from "../../src/hardware/hardwareSnapshot";
import type {SensorSource} from "../../src/hardware/sensorSource";
import {WorkerSystemSource} from "../../src/hardware/workerSystemSource";
import {hardwareWorkerBundle} from "../helpers/hardwareWorker";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

function fakeSystem(read: (call: number) => Promise<SystemReadings>): {source: () => SensorSource<SystemReadings>; created: number; disposed: number} {
    const counts = {created: 0, disposed: 0, calls: 0};
    return Object.assign(counts, {
        source: () => {
            counts.created++;
            return {label: "Fake machine", read: () => read(++counts.calls), dispose: () => void counts.disposed++};
        }
    });
}

test("the monitor samples on its interval only between start and stop", async () => {
    const system = fakeSystem(async (n) => readings(n));
    const monitor = new HardwareMonitor(system.source, {intervalMs: 100});
    const seen: HardwareSnapshot[] = [];
    monitor.onSnapshot((s) => seen.push(s));
    await sleep(150);
    assert.equal(seen.length, 0, "nothing is sampled before start");
    monitor.start();
    await sleep(450);
    monitor.stop();
    const count = seen.length;
    assert.ok(count >= 3 && count <= 6, `about one sample per 100 ms (${count})`);
    await sleep(250);
    assert.equal(seen.length, count, "nothing is sampled after stop");
    assert.equal(system.disposed, 1, "stopping frees the machine source (the worker)");
    const cpu = seen.at(-1)!.cpu;
    assert.ok(cpu.status === "ok" && cpu.value.totalPercent > 1, "readings change from sample to sample");
    assert.equal(seen.at(-1)!.process.status, "ok");
    assert.equal(monitor.latest, seen.at(-1));
    monitor.dispose();
});

test("a machine source slower than the interval never holds up the process readings", async () => {
    const system = fakeSystem(() => new Promise<SystemReadings>(() => undefined));
    const monitor = new HardwareMonitor(system.source, {intervalMs: 100, waitMs: 20});
    const seen: HardwareSnapshot[] = [];
    monitor.onSnapshot((s) => seen.push(s));
    monitor.start();
    await sleep(350);
    monitor.dispose();
    assert.ok(seen.length >= 3, `samples kept coming (${seen.length})`);
    assert.deepEqual(seen.at(-1)!.cpu, {status: "waiting"});
    assert.equal(seen.at(-1)!.process.status, "ok");
});

test("a machine source that fails turns every machine reading off with its reason", async () => {
    const disabled: string[] = [];
    const system = fakeSystem(async () => {
        throw new Error("the sampling worker exited (code 1)");
    });
    const monitor = new HardwareMonitor(system.source, {intervalMs: 100, onSensorDisabled: (label, message) => disabled.push(`${label}: ${message}`)});
    const seen: HardwareSnapshot[] = [];
    monitor.onSnapshot((s) => seen.push(s));
    monitor.start();
    await sleep(250);
    monitor.dispose();
    assert.deepEqual(seen.at(-1)!.memory, {status: "disabled", note: "Fake machine turned off after an error: the sampling worker exited (code 1)"});
    assert.deepEqual(disabled, ["Fake machine: the sampling worker exited (code 1)"]);
});

test("changing the interval restarts a running monitor with the new pace", async () => {
    const system = fakeSystem(async (n) => readings(n));
    const monitor = new HardwareMonitor(system.source, {intervalMs: 1000});
    let count = 0;
    monitor.onSnapshot(() => count++);
    monitor.start();
    await sleep(50);
    monitor.setInterval(100);
    await sleep(400);
    monitor.dispose();
    assert.equal(system.created, 2);
    assert.ok(count >= 4, `sampled at the faster pace (${count})`);
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
        await source.read();
        await sleep(100);
        const result = await source.read();
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
