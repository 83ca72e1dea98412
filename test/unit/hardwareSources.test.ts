import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdir, mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import {execFileSync} from "node:child_process";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {CpuInfo} from "node:os";
import {CpuLoadSource} from "../../src/hardware/cpuLoadSource";
import {batteryWattsFromUevent} from "../../src/hardware/batterySource";
import {NvidiaSmiMonitor, parseNvidiaSmiLine} from "../../src/hardware/nvidiaSmi";
import {RaplSource} from "../../src/hardware/raplSource";
import {SensorUnavailableError} from "../../src/hardware/sensorSource";
import {ProcessSource} from "../../src/hardware/processSource";
import {until} from "../helpers/fakeTime";
import {isRunning} from "../helpers/processes";

const posixOnly = {skip: process.platform === "win32" ? "the fake nvidia-smi is a shell script" : false};

function cpu(user: number, idle: number): CpuInfo {
    return {model: " Test CPU ", speed: 3000, times: {user, nice: 0, sys: 0, idle, irq: 0}};
}

test("CPU load is the busy share of time between two reads, per core and in total", async () => {
    let now = [cpu(100, 900), cpu(100, 900)];
    const source = new CpuLoadSource(() => now);
    now = [cpu(200, 900), cpu(125, 975)]; // core 0 fully busy, core 1 a quarter busy
    const load = await source.read();
    assert.deepEqual(load.perCorePercent, [100, 25]);
    assert.equal(load.totalPercent, 62.5);
    assert.equal(load.model, "Test CPU");
    const idle = await source.read(); // no time passed: not a division by zero
    assert.deepEqual(idle.perCorePercent, [0, 0]);
});

test("a machine with no CPU counters reports the CPU as unavailable", async () => {
    await assert.rejects(new CpuLoadSource(() => []).read(), SensorUnavailableError);
});

test("battery discharge power comes from power_now, else voltage times current", () => {
    assert.equal(batteryWattsFromUevent("POWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_POWER_NOW=12500000\n"), 12.5);
    assert.equal(batteryWattsFromUevent("POWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_VOLTAGE_NOW=12000000\nPOWER_SUPPLY_CURRENT_NOW=-1500000"), 18);
    assert.equal(batteryWattsFromUevent("POWER_SUPPLY_TYPE=Mains\nPOWER_SUPPLY_POWER_NOW=5000000"), null, "the charger is not a battery");
    assert.equal(batteryWattsFromUevent("POWER_SUPPLY_TYPE=Battery\nPOWER_SUPPLY_VOLTAGE_NOW=12000000"), null, "no current, no figure");
    assert.equal(batteryWattsFromUevent("garbage\n=\n"), null);
});

test("nvidia-smi lines parse, and fields a GPU lacks become null rather than zero", () => {
    assert.deepEqual(parseNvidiaSmiLine("0, NVIDIA H100 80GB HBM3, 37, 1024, 81559, 41, 120.55"), {
        index: 0,
        usage: {name: "NVIDIA H100 80GB HBM3", vendor: "NVIDIA", loadPercent: 37, vramUsedBytes: 1024 * 2 ** 20,
            vramTotalBytes: 81559 * 2 ** 20, temperatureC: 41, powerWatts: 120.55}
    });
    const laptop = parseNvidiaSmiLine("1, GeForce MX250, [N/A], 300, 2048, 55, [Not Supported]");
    assert.equal(laptop?.usage.loadPercent, null);
    assert.equal(laptop?.usage.powerWatts, null);
    assert.equal(parseNvidiaSmiLine(""), null);
    assert.equal(parseNvidiaSmiLine("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."), null);
    assert.equal(parseNvidiaSmiLine("x, name, 1, 2, 3, 4, 5"), null);
});

test("RAPL power is energy used over time, summed over packages, and survives the counter wrapping", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "qp-rapl-"));
    t.after(() => rm(dir, {recursive: true, force: true}));
    const zone = async (name: string, label: string, uj: number) => {
        await mkdir(join(dir, name), {recursive: true});
        await writeFile(join(dir, name, "name"), `${label}\n`);
        await writeFile(join(dir, name, "max_energy_range_uj"), "1000000000\n");
        await writeFile(join(dir, name, "energy_uj"), `${uj}\n`);
    };
    await zone("intel-rapl:0", "package-0", 5_000_000);
    await zone("intel-rapl:1", "package-1", 999_000_000);
    await zone("intel-rapl:0:0", "core", 1); // a sub-zone: part of package-0, not added again
    const times = [0, 100, 1100];
    const source = new RaplSource(dir, () => times.shift()!);
    const first = await source.read(); // a rate needs two counts: the first read takes both
    assert.equal(first.packageWatts, 0);
    await writeFile(join(dir, "intel-rapl:0", "energy_uj"), "25000000\n"); // +20 J in 1 s
    await writeFile(join(dir, "intel-rapl:1", "energy_uj"), "4000000\n"); // wrapped: +5 J
    const power = await source.read();
    assert.deepEqual(power.zones, [{name: "package-0", watts: 20}, {name: "package-1", watts: 5}]);
    assert.equal(power.packageWatts, 25);
});

test("RAPL is unavailable without counters, and says so when they are not readable", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "qp-rapl-"));
    t.after(() => rm(dir, {recursive: true, force: true}));
    await assert.rejects(new RaplSource(join(dir, "missing")).read(), (err: unknown) =>
        err instanceof SensorUnavailableError && err.note === "not available on this machine");
    await mkdir(join(dir, "intel-rapl:0", "energy_uj"), {recursive: true}); // unreadable as a file
    await assert.rejects(new RaplSource(dir).read(), (err: unknown) => err instanceof SensorUnavailableError && /root/.test(err.note));
});

test("the process source reports this process's memory and its CPU time as a share of the wall time between reads", async () => {
    const counters = {cpu: {user: 1_000, system: 500}, at: 10_000};
    const source = new ProcessSource({cpuUsage: () => counters.cpu, now: () => counters.at});
    counters.cpu = {user: 31_000, system: 10_500}; // 40 ms of CPU time ...
    counters.at += 80; // ... in 80 ms
    const usage = await source.read();
    assert.equal(usage.cpuPercent, 50);
    assert.ok(usage.rssBytes > 10 * 2 ** 20 && usage.heapUsedBytes > 0, "memory is this process's own");
    assert.equal((await source.read()).cpuPercent, 0, "no time passed: not a division by zero");
    const real = new ProcessSource();
    assert.ok((await real.read()).cpuPercent >= 0, "reads Node's own counters by default");
});

test("the nvidia-smi monitor reads a streaming nvidia-smi and stops it on dispose", {...posixOnly, timeout: 30_000}, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "qp-smi-"));
    t.after(() => rm(dir, {recursive: true, force: true}));
    const fake = join(dir, "nvidia-smi");
    const nextRound = join(dir, "next-round");
    execFileSync("mkfifo", [nextRound]);
    // Prints one round per line written to the FIFO, as nvidia-smi --loop-ms prints one per interval.
    await writeFile(fake, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\necho $$ > \"$(dirname \"$0\")/pid\"\nn=0\nwhile true; do n=$((n+1)); " +
        "echo \"0, Fake GPU, $n, 100, 1000, 40, 30.5\"; echo \"1, Other GPU, [N/A], 5, 500, [N/A], [N/A]\"; " +
        "read line < \"$(dirname \"$0\")/next-round\"; done\n", {mode: 0o755});
    const monitor = new NvidiaSmiMonitor(250, fake);
    t.after(() => monitor.dispose());
    const first = await monitor.read();
    assert.deepEqual(first.map((g) => g.name), ["Fake GPU", "Other GPU"]);
    assert.equal(first[0]!.loadPercent, 1);
    assert.equal(first[1]!.loadPercent, null);
    await writeFile(nextRound, "\n");
    await until(async () => (await monitor.read())[0]!.loadPercent === 2, t.signal);
    assert.match(await readFile(join(dir, "args"), "utf8"), /--loop-ms=250/);
    const pid = Number(await readFile(join(dir, "pid"), "utf8"));
    t.after(() => isRunning(pid) && process.kill(pid)); // should dispose() fail to stop it
    assert.ok(isRunning(pid));
    monitor.dispose();
    await until(() => !isRunning(pid), t.signal);
});

test("a machine without nvidia-smi has no NVIDIA readings, which is not an error", async () => {
    const monitor = new NvidiaSmiMonitor(1000, "/nonexistent/nvidia-smi");
    await assert.rejects(monitor.read(), SensorUnavailableError);
});
