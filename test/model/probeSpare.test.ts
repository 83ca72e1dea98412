import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {guardModelFile, prepareModelProbe} from "../../src/engine/guard/guardModelFile";
import {probeLimits} from "../../src/engine/guard/probeProcess";
import {disposeSpareProbe, spareProbeReady, takeSpareProbe} from "../../src/engine/guard/probeSpare";
import {testModel} from "../helpers/testModels";

test("a probe started ahead is taken by the next guard of a file not seen before, on the same backend only", {timeout: 120_000}, async () => {
    const storageDir = await mkdtemp(join(tmpdir(), "qp-spare-"));
    try {
        prepareModelProbe({gpu: "cpu"});
        await spareProbeReady();
        assert.equal(takeSpareProbe({gpu: "auto", engineBuild: "auto"}, probeLimits(0)), undefined, "another backend's guard must not take it");
        const checked = await guardModelFile(await testModel("tiny"), {gpu: "cpu", storageDir});
        assert.equal(checked.verdictSource, "probe");
        assert.equal(takeSpareProbe({gpu: "cpu", engineBuild: "auto"}, probeLimits(0)), undefined, "the guard took the spare");
    } finally {
        disposeSpareProbe();
        await rm(storageDir, {recursive: true, force: true});
    }
});
