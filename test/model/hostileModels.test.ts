import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {disagreement, guardEach, type GuardResult} from "../helpers/guardCorpus";
import {writeHostileCorpus, type HostileFile} from "../helpers/hostileModels";
import {RESULTS_DIR} from "../helpers/paths";
import {referenceLoads, type ReferenceResult} from "../helpers/referenceLoad";
import {testModel, thirdPartyFixture} from "../helpers/testModels";

/** A guard call that takes this long is a hang (a probe's own limits end far sooner for these small files). */
const GUARD_HANG_MS = 90_000;

test("every malformed model file is refused in one clear line or loads; none crashes or hangs the guard, none llama.cpp loads is refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-hostile-"));
    try {
        const files = await writeHostileCorpus(join(dir, "corpus"));
        assert.ok(files.length >= 60, `only ${files.length} files`);
        const paths = files.map((f) => f.path);
        // The plain loads run in child processes beside the guard, which runs in this process; two
        // of each at a time, as most of the time goes to starting llama.cpp in new processes.
        const [reference, guard] = await Promise.all([referenceLoads(paths, 2), guardEach(paths, join(dir, "verdicts"), GUARD_HANG_MS, 2)]);
        const problems = files.map((f) => [f, disagreement(f, guard.get(f.path)!, reference.get(f.path)!)] as const)
            .filter(([, problem]) => problem != null).map(([f, problem]) => `${f.name}: ${problem}`);
        await writeSummary(files, guard, reference);
        assert.deepEqual(problems, []);
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
});

test("the generated presets and a third-party model are accepted", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "qp-guard-"));
    try {
        const fixture = thirdPartyFixture();
        const paths = [await testModel("tiny"), await testModel("small"), await testModel("llama-spm"), ...(fixture != null ? [fixture] : [])];
        if (fixture == null)
            t.diagnostic("the third-party fixture is not on this machine; checked the generated presets only");
        const results = await guardEach(paths, join(dir, "verdicts"), GUARD_HANG_MS);
        for (const path of paths)
            assert.deepEqual({path, ...results.get(path), ms: 0}, {path, outcome: "accepted", ms: 0});
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
});

/** The corpus figures (docs/hostile-input.md quotes them), kept in test-results/. */
async function writeSummary(files: readonly HostileFile[], guard: ReadonlyMap<string, GuardResult>, reference: ReadonlyMap<string, ReferenceResult>): Promise<void> {
    const rows = files.map((f) => ({name: f.name, kind: f.kind, guard: guard.get(f.path)!, reference: reference.get(f.path)!}));
    const count = (predicate: (row: typeof rows[number]) => boolean) => rows.filter(predicate).length;
    const summary = {
        files: rows.length,
        refused: count((r) => r.guard.outcome === "refused"),
        accepted: count((r) => r.guard.outcome === "accepted"),
        acceptedWithTemplateFallback: count((r) => r.guard.chatTemplateNotice != null),
        guardCrashesOrHangs: count((r) => r.guard.outcome === "hung" || r.guard.outcome === "threw"),
        plainLoad: {
            loaded: count((r) => r.reference.outcome === "loaded"),
            refused: count((r) => r.reference.outcome === "refused"),
            crashed: count((r) => r.reference.outcome === "crashed"),
            hung: count((r) => r.reference.outcome === "hung")
        },
        slowestGuardMs: Math.round(Math.max(...rows.map((r) => r.guard.ms))),
        rows: rows.map((r) => ({name: r.name, kind: r.kind, guard: r.guard.outcome, ms: Math.round(r.guard.ms),
            message: r.guard.message ?? r.guard.chatTemplateNotice ?? "", plainLoad: r.reference.outcome, stage: r.reference.stage ?? ""}))
    };
    await mkdir(RESULTS_DIR, {recursive: true});
    await writeFile(join(RESULTS_DIR, "hostile-models.json"), JSON.stringify(summary, null, 2));
}
