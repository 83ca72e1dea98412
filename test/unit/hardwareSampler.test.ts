import {test} from "node:test";
import assert from "node:assert/strict";
import {HardwareSampler} from "../../src/hardware/hardwareSampler";
import {NOT_AVAILABLE, SensorUnavailableError, type SensorSource} from "../../src/hardware/sensorSource";
import {fakeTime} from "../helpers/fakeTime";

/** A fake sensor that counts reads and answers with whatever `answer` gives. */
function fakeSource<T>(answer: (call: number) => Promise<T> | T, extra: Partial<SensorSource<T>> = {}): SensorSource<T> & {calls: number; disposed: boolean} {
    const source = {
        label: "Fake",
        calls: 0,
        disposed: false,
        async read(): Promise<T> {
            source.calls++;
            return await answer(source.calls);
        },
        dispose(): void {
            source.disposed = true;
        },
        ...extra
    };
    return source;
}

test("every sensor's value is reported with the time it was read", async () => {
    let clock = 1000;
    const sampler = new HardwareSampler({a: fakeSource(() => 1), b: fakeSource((n) => `read ${n}`)}, {now: () => clock});
    const first = await sampler.sample();
    assert.deepEqual(first.a, {status: "ok", value: 1, at: 1000, stale: false});
    clock = 2000;
    const second = await sampler.sample();
    assert.deepEqual(second.b, {status: "ok", value: "read 2", at: 2000, stale: false});
});

test("a missing sensor says so, never reports zero, and is not asked again", async () => {
    const missing = fakeSource<number>(() => {
        throw new SensorUnavailableError();
    });
    const hidden = fakeSource<number>(() => {
        throw new SensorUnavailableError("not readable without root");
    });
    const sampler = new HardwareSampler({missing, hidden});
    for (let i = 0; i < 3; i++) {
        const readings = await sampler.sample();
        assert.deepEqual(readings.missing, {status: "unavailable", note: NOT_AVAILABLE});
        assert.deepEqual(readings.hidden, {status: "unavailable", note: "not readable without root"});
    }
    assert.equal(missing.calls, 1);
    assert.equal(hidden.calls, 1);
});

test("a sensor that throws turns itself off with a note, once, and the others keep working", async () => {
    const disabled: string[] = [];
    const broken = fakeSource<number>((n) => {
        if (n >= 2)
            throw new Error("driver went away");
        return 42;
    }, {label: "GPU"});
    const fine = fakeSource((n) => n);
    const sampler = new HardwareSampler({broken, fine}, {onDisabled: (label, err) => disabled.push(`${label}: ${(err as Error).message}`)});
    assert.equal((await sampler.sample()).broken.status, "ok");
    const after = await sampler.sample();
    assert.deepEqual(after.broken, {status: "disabled", note: "GPU turned off after an error: driver went away"});
    const later = await sampler.sample();
    assert.equal(later.broken.status, "disabled");
    assert.deepEqual(later.fine, {...later.fine, status: "ok", value: 3});
    assert.equal(broken.calls, 2, "a disabled sensor is not asked again");
    assert.ok(broken.disposed, "a disabled sensor is disposed");
    assert.deepEqual(disabled, ["GPU: driver went away"]);
});

test("a slow sensor neither delays the sample nor piles up reads; its last value is marked stale", async (t) => {
    const time = fakeTime(t);
    let release: (() => void) | undefined;
    const slow = fakeSource<number>(async (n) => {
        if (n !== 2)
            return n === 1 ? 7 : 9;
        await new Promise<void>((resolve) => release = resolve);
        return 8;
    });
    const fast = fakeSource((n) => n);
    const sampler = new HardwareSampler({slow, fast}, {waitMs: 30});
    const first = await time.until(sampler.sample());
    assert.deepEqual([first.value.slow.status, first.ms], ["ok", 0], "sensors that answer at once are not waited for");
    const second = await time.until(sampler.sample());
    assert.equal(second.ms, 30, "the sample returned after its wait, not after the slow read");
    assert.deepEqual(second.value.slow, {...second.value.slow, status: "ok", value: 7, stale: true});
    assert.deepEqual(second.value.fast, {...second.value.fast, value: 2, stale: false});
    await time.until(sampler.sample());
    await time.until(sampler.sample());
    assert.equal(slow.calls, 2, "no second read starts while one is running");
    assert.equal(fast.calls, 4);
    release!();
    await time.settle();
    const fresh = await time.until(sampler.sample());
    assert.equal(fresh.ms, 0);
    assert.deepEqual(fresh.value.slow, {...fresh.value.slow, status: "ok", value: 9, stale: false});
    assert.equal(slow.calls, 3);
});

test("a sensor whose first read is slow reports waiting, not zero", async (t) => {
    const time = fakeTime(t);
    const never = fakeSource<number>(() => new Promise<number>(() => undefined));
    const sampler = new HardwareSampler({never}, {waitMs: 10});
    const sample = await time.until(sampler.sample());
    assert.deepEqual([sample.value.never, sample.ms], [{status: "waiting"}, 10]);
});

test("a sensor with a minimum interval is read only when due", async () => {
    let clock = 0;
    const battery = fakeSource((n) => n, {minIntervalMs: 5000});
    const sampler = new HardwareSampler({battery}, {now: () => clock});
    for (clock = 0; clock < 12_000; clock += 1000)
        await sampler.sample();
    assert.equal(battery.calls, 3, "read at 0, 5 s and 10 s");
});

test("disposing the sampler disposes every source", () => {
    const a = fakeSource(() => 1);
    const b = fakeSource(() => 2);
    new HardwareSampler({a, b}).dispose();
    assert.ok(a.disposed && b.disposed);
});
