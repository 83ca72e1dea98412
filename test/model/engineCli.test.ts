import {test} from "node:test";
import assert from "node:assert/strict";
import {chmodSync, existsSync, readdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {LocalEngineBuilds} from "../../src/engine/build/localEngineBuilds";
import {physicalCoreCount} from "../../src/threads/cpuCores";
import {lastJsonLine, runCli} from "../helpers/cli";
import {testModel} from "../helpers/testModels";
import {tempDir} from "../helpers/tempDir";

/** Thread measurements of these runs go to a scratch cache, not the user's. */
const cacheEnv = () => ({QUANTPILOT_CACHE_DIR: tempDir("cli-cache")});

test("engine status --json says which engine runs, its CPU variant, GPU backend and thread counts", async () => {
    const run = await runCli(["engine", "status", "--json", "--gpu", "cpu"], {env: cacheEnv()});
    assert.equal(run.code, 0, run.stderr);
    const status = lastJsonLine<{engine: Record<string, unknown>; threads: {prompt: number; decode: number; cores: number}}>(run);
    assert.ok(["prebuilt", "localBuild"].includes(status.engine.build as string));
    assert.equal(typeof status.engine.cpuVariant, "string");
    assert.notEqual(status.engine.cpuVariant, "");
    assert.equal(status.engine.gpu, false);
    assert.equal(status.threads.cores, physicalCoreCount());
    assert.ok(status.threads.prompt >= 1 && status.threads.decode >= 1 && status.threads.decode <= status.threads.prompt);
});

test("inspect --json includes the engine that would run the model", async () => {
    const run = await runCli(["inspect", await testModel("tiny"), "--json"], {env: cacheEnv()});
    assert.equal(run.code, 0, run.stderr);
    const info = lastJsonLine<{engine: {build: string; threads: {prompt: number}}}>(run);
    assert.ok(["prebuilt", "localBuild"].includes(info.engine.build));
    assert.ok(info.engine.threads.prompt >= 1);
});

test("engine probe clamps a thread count above the cores, with a note, and reports both phases", async () => {
    const cores = physicalCoreCount();
    const run = await runCli(["engine", "probe", await testModel("tiny"), "--gpu", "cpu", "--threads", "64",
        "--prompt-tokens", "32", "--decode-tokens", "4", "--repeats", "1", "--json"], {env: cacheEnv()});
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`note: --threads = 64 is more than the ${cores} physical cores; clamped to ${cores}`));
    const result = lastJsonLine<{threads: {prompt: number; decode: number}; promptTokensPerSecond: number; decodeTokensPerSecond: number}>(run);
    assert.deepEqual(result.threads, {prompt: cores, decode: cores});
    assert.ok(result.promptTokensPerSecond > 0 && result.decodeTokensPerSecond > 0);
});

test("engine build without cmake or a compiler says what to install and changes nothing", {skip: process.platform === "win32"}, async () => {
    const bin = tempDir("path");
    writeFileSync(join(bin, "git"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(bin, "git"), 0o755);
    const builds = new LocalEngineBuilds();
    // The folder exists only once a build was made (or another test made one).
    const buildFolders = () => existsSync(builds.dir) ? readdirSync(builds.dir) : [];
    const before = buildFolders();
    const run = await runCli(["engine", "build", "--gpu", "cpu"], {env: {...cacheEnv(), PATH: bin}});
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cmake: not found on PATH\. Install: .*C\+\+ compiler: no C\+\+ compiler found\. Install: /);
    assert.deepEqual(buildFolders(), before);
});

test("engine with a wrong subcommand is a usage error", async () => {
    const run = await runCli(["engine", "rebuild"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown engine command "rebuild"/);
});
