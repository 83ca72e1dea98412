import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {pathToFileURL} from "node:url";
import {LocalEngineBuilds, SLOT_CMAKE_OPTION} from "../../src/engine/build/localEngineBuilds";
import {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {LocalEngine} from "../../src/engine/localEngine";
import {nodeLlamaCppDir} from "../../src/llamaSource/nodeLlamaCppPackage";
import {TEST_LOAD_OPTIONS} from "../helpers/engine";
import {recordingLogger} from "../helpers/recordingLogger";
import {testModel} from "../helpers/testModels";

/**
 * The folder node-llama-cpp looks a local build up in for these cmake options. Computed with
 * node-llama-cpp's own (internal) function, so the test follows it if its naming ever changes.
 */
async function folderNameFor(options: Record<string, string>): Promise<{folder: string; platformInfo: unknown}> {
    const dist = join(nodeLlamaCppDir(), "dist");
    const internal = (path: string) => import(pathToFileURL(join(dist, path)).href);
    const {getBuildFolderNameForBuildOptions} = await internal("bindings/utils/getBuildFolderNameForBuildOptions.js");
    const {getPlatform} = await internal("bindings/utils/getPlatform.js");
    const {builtinLlamaCppGitHubRepo} = await internal("config.js");
    const {builtinLlamaCppRelease} = await internal("bindings/utils/binariesGithubRelease.js");
    const {getPlatformInfo} = await internal("bindings/utils/getPlatformInfo.js");
    const names = await getBuildFolderNameForBuildOptions({
        platform: getPlatform(), arch: process.arch, gpu: false,
        llamaCpp: {repo: builtinLlamaCppGitHubRepo, release: builtinLlamaCppRelease},
        customCmakeOptions: new Map(Object.entries(options))
    }) as {withCustomCmakeOptions: string};
    return {folder: names.withCustomCmakeOptions, platformInfo: await getPlatformInfo()};
}

test("a corrupted local build is detected at load: the prebuilt engine runs and the problem is reported", async () => {
    const slot = `test-corrupt-${process.pid}`;
    const options = {[SLOT_CMAKE_OPTION]: slot};
    const {folder, platformInfo} = await folderNameFor(options);
    const localBuilds = join(nodeLlamaCppDir(), "llama", "localBuilds");
    const root = join(localBuilds, folder);
    // A build that looks complete to node-llama-cpp, with a damaged binary in it.
    mkdirSync(join(root, "Release"), {recursive: true});
    writeFileSync(join(root, "Release", "llama-addon.node"), "this is not a shared library");
    writeFileSync(join(root, "Release", "_nlcBuildMetadata.json"), JSON.stringify({
        buildOptions: {customCmakeOptions: options, progressLogs: false, platform: "linux", platformInfo, arch: process.arch, gpu: false,
            llamaCpp: {repo: "ggml-org/llama.cpp", release: "test"}}
    }));
    writeFileSync(join(root, "buildDone.status"), "");
    const builds = new LocalEngineBuilds(localBuilds, join(mkdtempSync(join(tmpdir(), "qp-state-")), "state.json"));
    await builds.setActive({slot, gpu: false, folder, builtAt: "2026-11-26T00:00:00.000Z"});
    assert.equal(builds.active()?.folder, folder, "the damaged build looks complete");
    const log = recordingLogger();
    const runtime = new LlamaRuntime(log, {builds});
    const engine = new LocalEngine(runtime, log);
    try {
        const llama = await runtime.get("cpu");
        assert.equal(llama.buildType, "prebuilt");
        assert.match(runtime.engine?.localBuildProblem ?? "", /local engine build \(CPU, .*\) could not be loaded, so the prebuilt engine is used/);
        assert.ok(log.lines.some((l) => l.startsWith("warn: QuantPilot's local engine build")), log.lines.join("\n"));
        const model = await engine.load(await testModel("tiny"), TEST_LOAD_OPTIONS);
        assert.equal(model.runtime.build, "prebuilt", "models keep loading on the prebuilt engine");
    } finally {
        await engine.dispose();
        await runtime.dispose();
        rmSync(root, {recursive: true, force: true});
    }
});

test("quantpilot.engine.build = prebuilt never loads a local build, and says so", async () => {
    const log = recordingLogger();
    const runtime = new LlamaRuntime(log, {engineBuild: "prebuilt"});
    try {
        const llama = await runtime.get("cpu");
        assert.equal(llama.buildType, "prebuilt");
        assert.deepEqual({setting: runtime.engine?.setting, build: runtime.engine?.build, problem: runtime.engine?.localBuildProblem},
            {setting: "prebuilt", build: "prebuilt", problem: undefined});
        assert.ok(log.lines.some((l) => /prebuilt binaries \(as set in quantpilot\.engine\.build\)/.test(l)));
    } finally {
        await runtime.dispose();
    }
});
