import assert from "node:assert/strict";
import test from "node:test";
import {childCpuTimeMs, cpuTimeFromStat} from "../../src/engine/guard/childCpuTime";

test("processor time is read after the command name, whatever it holds", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    assert.equal(cpuTimeFromStat("4242 (node (probe) x) S 1 2 3 4 5 6 7 8 9 10 250 30 0 0 20 0"), 2800);
    assert.equal(cpuTimeFromStat("garbage"), undefined);
});

test("this process's own processor time is readable where the system tells it", {skip: process.platform !== "linux"}, async () => {
    const ms = await childCpuTimeMs(process.pid);
    assert.ok(ms != null && ms >= 0);
    assert.equal(await childCpuTimeMs(2 ** 30), undefined);
});
