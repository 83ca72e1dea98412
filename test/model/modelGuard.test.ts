import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, readdir, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ChatModelSession} from "../../src/engine/chat/chatModelSession";
import {guardModelFile} from "../../src/engine/guard/guardModelFile";
import {ModelRejectedError} from "../../src/engine/guard/modelRejectedError";
import {ProbeProcess, probeLimits} from "../../src/engine/guard/probeProcess";
import {quantizeModel} from "../../src/quant/quantize";
import {lastJsonLine, runCli} from "../helpers/cli";
import {completer, newTestEngine, TEST_LOAD_OPTIONS} from "../helpers/engine";
import {recordingLogger} from "../helpers/recordingLogger";
import {writeHostileCorpus, type HostileFile} from "../helpers/hostileModels";
import {testModel} from "../helpers/testModels";

const NAMES = ["head-count-zero", "missing-block-tensor", "template-recursive-macro", "block-count-zero"];

async function withCorpus(run: (files: Map<string, string>, dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), "qp-guard-model-"));
    try {
        const files: HostileFile[] = await writeHostileCorpus(join(dir, "corpus"), {only: NAMES});
        await run(new Map(files.map((f) => [f.name, f.path])), dir);
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
}

const prompt = {prefix: "def add(a, b):\n    ", suffix: "\n", maxTokens: 4};

test("a refused file gets one clear line and the previous model keeps serving", async () => {
    await withCorpus(async (files) => {
        const engine = newTestEngine();
        try {
            const good = await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
            for (const [name, reason] of [["head-count-zero", /head_count = 0/], ["missing-block-tensor", /llama\.cpp refused it: .*'blk\.1\.attn_q\.weight'/]] as const) {
                await assert.rejects(engine.load(files.get(name)!, TEST_LOAD_OPTIONS),
                    (e: Error) => e instanceof ModelRejectedError && reason.test(e.message) && !e.message.includes("\n"), name);
                assert.equal(engine.model?.path, good.path);
                assert.ok((await completer(engine).complete(prompt)).tokens > 0);
            }
        } finally {
            await engine.dispose();
        }
    });
});

test("a chat template that cannot render falls back to the plain chat format with a notice, the same on every machine", async () => {
    await withCorpus(async (files) => {
        const log = recordingLogger();
        const engine = newTestEngine(log);
        try {
            const model = await engine.load(files.get("template-recursive-macro")!, TEST_LOAD_OPTIONS);
            assert.equal(model.chatWrapper, "General");
            assert.match(model.chatTemplateNotice ?? "", /^The model's chat template is not used \(rendering its chat template failed: .*not a function.*\); chats use a plain format instead\.$/);
            assert.ok(log.lines.some((l) => l.startsWith("warn: ") && l.includes("chat template is not used")), log.lines.join("\n"));
            const session = await ChatModelSession.create(engine.loaded!);
            assert.equal(session.chat.chatWrapper.wrapperName, "General");
            await session.dispose();
            // Known now: the second check is answered from the verdict cache, with the same notice.
            const again = await guardModelFile(files.get("template-recursive-macro")!, {gpu: "cpu"});
            assert.deepEqual([again.verdictSource, again.chatTemplateNotice], ["cache", model.chatTemplateNotice]);
        } finally {
            await engine.dispose();
        }
    });
});

test("the probe reports llama.cpp's own abort, and stops a child that runs out of time or memory", async () => {
    await withCorpus(async (files) => {
        const path = files.get("block-count-zero")!;
        const run = (limits = probeLimits(1 << 20)) => ProbeProcess.start({gpu: "cpu", engineBuild: "auto"}, limits).run({path, threads: 1, renderTemplate: true});
        const crashed = await run();
        assert.equal(crashed.ok, false);
        assert.match(!crashed.ok ? crashed.reason : "", /^llama\.cpp crashed while loading it \(GGML_ASSERT\(hparams\.n_layer_all > 0 .*\) failed in llama-model\.cpp\)$/);
        const slow = await run({...probeLimits(1 << 20), stageTimeoutMs: {...probeLimits(1 << 20).stageTimeoutMs, load: 1}});
        // With a 1 ms limit either watch can stop it first: the processor-time poll or the wall-clock
        // backstop (on a busy machine the backstop's timer can fire after the poll has read the time).
        assert.match(!slow.ok ? slow.reason : "", /^loading it (took longer than 0 s|did not finish within 0 s|took more than 0 s of processor time)$/);
        const tiny = await testModel("tiny");
        const big = await ProbeProcess.start({gpu: "cpu", engineBuild: "auto"}, {...probeLimits(1 << 20), memoryBytes: 1024})
            .run({path: tiny, threads: 1, renderTemplate: true});
        // Past the limit in a loading stage the file is refused; while rendering, its template is not used.
        assert.match(big.ok ? big.templateProblem ?? "" : big.reason, /^(loading it|creating its context|evaluating its first token|tokenizing text with it|rendering its chat template) needed more than 1\.00 KB of memory$/);
    });
});

test("quantize refuses an input the guard rejects before writing anything", async () => {
    await withCorpus(async (files, dir) => {
        const out = join(dir, "out");
        const {mkdir} = await import("node:fs/promises");
        await mkdir(out);
        await assert.rejects(quantizeModel({inputPath: files.get("head-count-zero")!, outputPath: join(out, "q.gguf"), type: "Q8_0"}),
            (e: Error) => e instanceof ModelRejectedError && /head_count = 0/.test(e.message));
        assert.deepEqual(await readdir(out), []);
    });
});

test("quantpilot check prints the verdict and exits non-zero for a file that must not be loaded", async () => {
    await withCorpus(async (files) => {
        const refused = await runCli(["check", files.get("missing-block-tensor")!, "--json"]);
        assert.equal(refused.code, 1);
        const verdict = lastJsonLine<{path: string; accepted: boolean; reason: string}>(refused);
        assert.deepEqual([verdict.path, verdict.accepted], [files.get("missing-block-tensor"), false]);
        assert.match(verdict.reason, /^llama\.cpp refused it: .*'blk\.1\.attn_q\.weight'/);
        assert.equal(refused.stderr.trim().split("\n").length, 1);
        const accepted = await runCli(["check", await testModel("tiny"), "--json"]);
        assert.equal(accepted.code, 0, accepted.stderr);
        assert.equal(lastJsonLine(accepted).accepted, true);
        const text = await runCli(["check", files.get("template-recursive-macro")!]);
        assert.equal(text.code, 0);
        assert.match(text.stdout, /accepted .*\n.*\n.*\n {2}chat template {2}The model's chat template is not used/);
    });
});

test("a probe stopped for time is not remembered: on a busy machine the next load probes the file again", async () => {
    await withCorpus(async (_files, dir) => {
        const tiny = await testModel("tiny");
        const storageDir = join(dir, "verdicts");
        const limits = probeLimits(1 << 20);
        await assert.rejects(guardModelFile(tiny, {gpu: "cpu", storageDir, probeLimits: {...limits, stageTimeoutMs: {...limits.stageTimeoutMs, load: 1}}}),
            (e: Error) => e instanceof ModelRejectedError && /loading it (took longer than|did not finish within|took more than) 0 s/.test(e.message));
        const again = await guardModelFile(tiny, {gpu: "cpu", storageDir});
        assert.equal(again.verdictSource, "probe");
        assert.equal((await guardModelFile(tiny, {gpu: "cpu", storageDir})).verdictSource, "cache");
    });
});
