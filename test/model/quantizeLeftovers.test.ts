import {test} from "node:test";
import assert from "node:assert/strict";
import {spawn, type ChildProcess} from "node:child_process";
import {copyFile, mkdtemp, readdir, rm, stat} from "node:fs/promises";
import {constants, tmpdir} from "node:os";
import {join} from "node:path";
import {ggufFilesIn, listLocalModels} from "../../src/quant/localModels";
import {findModelVariants} from "../../src/quant/variants";
import {runCli} from "../helpers/cli";
import {REPO_ROOT} from "../helpers/paths";
import {testModel} from "../helpers/testModels";
import {exitsWithin} from "../helpers/processes";

/**
 * Killed quantizations with real processes: the CLI quantizes a generated model (IQ4_NL of the
 * F32 small model, ~2 s on one thread), is signalled part-way, and what is left on disk is
 * checked; then the next start of the CLI must sweep what a SIGKILL left.
 */

interface Running {
    readonly child: ChildProcess;
    readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
    stderr: string;
}

/** Starts `quantpilot quantize` as the leader of its own process group, as a shell job is. */
async function startQuantize(out: string, cacheDir: string): Promise<Running> {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src", "cli", "cli.ts"), "quantize",
        await testModel("small", 1, "f32"), "--type", "IQ4_NL", "--out", out, "--threads", "1"],
    {cwd: REPO_ROOT, detached: true, stdio: ["ignore", "ignore", "pipe"], env: {...process.env, QUANTPILOT_CACHE_DIR: cacheDir}});
    const running: Running = {
        child,
        stderr: "",
        exited: new Promise((resolve) => child.once("exit", (code, signal) => resolve({code, signal})))
    };
    child.stderr!.on("data", (chunk: Buffer) => running.stderr += chunk.toString());
    return running;
}

/** Resolves once the CLI reports at least 10 % progress (the quantizer is writing), or rejects if it exits first. */
function partWay(running: Running): Promise<void> {
    return new Promise((resolve, reject) => {
        const check = () => {
            if (/quantizing: [1-9]0%/.test(running.stderr)) {
                running.child.stderr!.off("data", check);
                resolve();
            }
        };
        running.child.stderr!.on("data", check);
        void running.exited.then(() => reject(new Error(`the quantization ended before it was signalled: ${running.stderr}`)));
        check();
    });
}

function workerPidOf(names: readonly string[]): number {
    const partial = names.find((n) => n.endsWith(".partial"));
    assert.ok(partial != null, `a partial file while writing (saw ${names.join(", ")})`);
    return Number(/\.(\d+)\.partial$/.exec(partial)![1]);
}

for (const [signal, target] of [["SIGINT", "cli"], ["SIGTERM", "cli"], ["SIGHUP", "cli"], ["SIGTERM", "group"], ["SIGHUP", "group"], ["SIGINT", "group"]] as const) {
    test(`${signal} to the ${target === "cli" ? "CLI" : "whole process group"} stops a quantization like Ctrl+C: nothing left, exit ${128 + constants.signals[signal]}`, async () => {
        const dir = await mkdtemp(join(tmpdir(), "qp-kill-"));
        const running = await startQuantize(join(dir, "out.gguf"), join(dir, "cache"));
        await partWay(running);
        const workerPid = workerPidOf(await readdir(dir));
        process.kill(target === "cli" ? running.child.pid! : -running.child.pid!, signal);
        const exit = await running.exited;
        assert.equal(exit.code, 128 + constants.signals[signal], `exit code (stderr: ${running.stderr})`);
        assert.match(running.stderr, /quantpilot: cancelled/);
        assert.ok(await exitsWithin(workerPid, 60_000), "the quantizer process is gone");
        assert.deepEqual((await readdir(dir)).filter((n) => n !== "cache"), [], "no output and no partial file");
        await rm(dir, {recursive: true, force: true});
    });
}

test("SIGKILL to the whole process group leaves a partial file; the next start of the CLI sweeps it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-kill-"));
    const cacheDir = join(dir, "cache");
    const running = await startQuantize(join(dir, "out.gguf"), cacheDir);
    await partWay(running);
    const workerPid = workerPidOf(await readdir(dir));
    process.kill(-running.child.pid!, "SIGKILL");
    assert.equal((await running.exited).signal, "SIGKILL");
    assert.ok(await exitsWithin(workerPid, 60_000), "the quantizer died with its group");
    const left = (await readdir(dir)).filter((n) => n !== "cache");
    assert.deepEqual(left, [`out.gguf.${workerPid}.partial`], "what a SIGKILL leaves: the partial file, never out.gguf");
    assert.deepEqual(await ggufFilesIn([dir]), [], "model lists do not take it for a model");

    const next = await runCli(["--help"], {env: {QUANTPILOT_CACHE_DIR: cacheDir}});
    assert.equal(next.code, 0);
    assert.match(next.stderr, new RegExp(`removed .*out\\.gguf\\.${workerPid}\\.partial, left by a run that was killed`));
    assert.deepEqual((await readdir(dir)).filter((n) => n !== "cache"), [], "swept at the next start");
    await rm(dir, {recursive: true, force: true});
});

test("a full-size partial file (a kill between the last write and the rename) is never listed and is swept at the next start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-kill-"));
    const cacheDir = join(dir, "cache");
    const done = await runCli(["quantize", await testModel("small", 1, "f32"), "--type", "Q8_0", "--out", join(dir, "small-Q8_0.gguf"), "--threads", "1"],
        {env: {QUANTPILOT_CACHE_DIR: cacheDir}});
    assert.equal(done.code, 0, done.stderr);
    // Exactly what that kill leaves: the complete output under the temporary name of a writer that is gone.
    const deadPid = await exitedPid();
    const partial = join(dir, `small-Q4_0.gguf.${deadPid}.partial`);
    await copyFile(join(dir, "small-Q8_0.gguf"), partial);
    assert.equal((await stat(partial)).size, (await stat(join(dir, "small-Q8_0.gguf"))).size);

    assert.deepEqual((await listLocalModels([dir])).map((m) => m.fileName), ["small-Q8_0.gguf"], "the Models view lists only the complete file");
    const variants = await findModelVariants(join(dir, "small-Q8_0.gguf"), []);
    assert.ok(variants.every((v) => !v.path.endsWith(".partial")), "nor does the variant search");

    const next = await runCli(["--help"], {env: {QUANTPILOT_CACHE_DIR: cacheDir}});
    assert.match(next.stderr, /removed .*small-Q4_0\.gguf\.\d+\.partial/);
    assert.deepEqual((await readdir(dir)).filter((n) => n !== "cache").sort(), ["small-Q8_0.gguf"]);
    await rm(dir, {recursive: true, force: true});
});

/** The pid of a process that has exited (a pid nobody owns now). */
async function exitedPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""], {stdio: "ignore"});
    await new Promise((resolve) => child.once("exit", resolve));
    return child.pid!;
}
