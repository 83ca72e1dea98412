import {test} from "node:test";
import assert from "node:assert/strict";
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {discardBuild, settleBuild} from "../../src/engine/build/buildActivation";
import {judgeBuilds} from "../../src/engine/build/buildComparison";
import {BuildToolsMissingError, EngineBuildFailedError} from "../../src/engine/build/buildErrors";
import {chooseBuildGpu} from "../../src/engine/build/buildGpu";
import {buildProgressOf, lineSplitter} from "../../src/engine/build/buildProcess";
import {checkBuildTools, installHints, linuxPackageManager} from "../../src/engine/build/buildTools";
import {buildEngine} from "../../src/engine/build/engineBuild";
import {LocalEngineBuilds, SLOT_CMAKE_OPTION} from "../../src/engine/build/localEngineBuilds";
import {nativeCpuCmakeOptions} from "../../src/engine/build/nativeCpuOptions";
import {until} from "../helpers/fakeTime";
import {tempDir} from "../helpers/tempDir";
import {isRunning} from "../helpers/processes";

const posixOnly = {skip: process.platform === "win32" ? "fake tools are shell scripts" : false};

/** A PATH holding only fake versions of the named tools. */
function fakeToolsPath(tools: Record<string, string>): string {
    const bin = tempDir("bin");
    for (const [name, script] of Object.entries(tools)) {
        writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
        chmodSync(join(bin, name), 0o755);
    }
    return bin;
}

const ALL_TOOLS = {cmake: "echo 'cmake version 3.25.1'", "c++": "exit 0", ninja: "exit 0", git: "exit 0", npm: "exit 0"};

test("no compiler and no cmake: every missing tool is named with an install command for this OS", posixOnly, async () => {
    const report = await checkBuildTools({env: {PATH: fakeToolsPath({git: "exit 0"})}, platform: "linux"});
    assert.equal(report.ok, false);
    assert.deepEqual(report.missing.map((m) => m.tool), ["cmake", "C++ compiler", "make or ninja", "npm"]);
    for (const m of report.missing)
        assert.match(m.install, /^sudo (apt|dnf|pacman|apk|zypper)/);
});

test("a cmake older than node-llama-cpp needs is reported as too old, not as fine", posixOnly, async () => {
    const report = await checkBuildTools({env: {PATH: fakeToolsPath({...ALL_TOOLS, cmake: "echo 'cmake version 3.10.2'"})}, platform: "linux"});
    assert.deepEqual(report.missing.map((m) => [m.tool, m.problem]), [["cmake", "version 3.10.2 is too old; 3.19 or newer is needed"]]);
});

test("with every tool present the check passes and lists what it found", posixOnly, async () => {
    const report = await checkBuildTools({env: {PATH: fakeToolsPath(ALL_TOOLS)}, platform: "linux"});
    assert.equal(report.ok, true, JSON.stringify(report.missing));
    assert.ok(report.found.some((f) => f.startsWith("cmake 3.25.1")));
});

test("install hints follow the OS and the Linux distribution", () => {
    assert.equal(installHints("darwin")["C++ compiler"], "xcode-select --install");
    assert.match(installHints("win32").cmake, /winget install Kitware\.CMake/);
    assert.equal(installHints("linux", 'ID=fedora\n').cmake, "sudo dnf install cmake");
    assert.equal(installHints("linux", 'ID=ubuntu\nID_LIKE=debian\n')["C++ compiler"], "sudo apt install build-essential");
    assert.equal(linuxPackageManager('ID="arch"\n').name, "pacman");
    assert.equal(linuxPackageManager("").name, "apt");
});

test("a GPU backend whose SDK is missing falls back to a CPU build with a note", posixOnly, () => {
    const empty = {PATH: fakeToolsPath({})};
    const cuda = chooseBuildGpu("cuda", false, empty, "linux");
    // The machine itself may have /usr/local/cuda; only judge the fallback when it does not.
    if (!existsSync("/usr/local/cuda/bin/nvcc")) {
        assert.equal(cuda.gpu, false);
        assert.match(cuda.note ?? "", /CUDA toolkit \(nvcc\) was not found.*building for the CPU instead/);
    }
    assert.equal(chooseBuildGpu("metal", false, empty, "linux").gpu, false);
    assert.match(chooseBuildGpu("metal", false, empty, "linux").note ?? "", /only on macOS/);
    assert.deepEqual(chooseBuildGpu("cpu", "cuda", empty, "linux"), {gpu: false});
    const nvcc = {PATH: fakeToolsPath({nvcc: "exit 0"})};
    assert.deepEqual(chooseBuildGpu("cuda", false, nvcc, "linux"), {gpu: "cuda"});
    assert.deepEqual(chooseBuildGpu("auto", false, nvcc, "linux"), {gpu: false}, "a toolkit without a GPU in use is no reason to build for it");
    assert.deepEqual(chooseBuildGpu("auto", "cuda", nvcc, "linux"), {gpu: "cuda"});
});

test("build progress is read from Ninja and Make lines, and only from them", () => {
    assert.equal(buildProgressOf("[12/48] Building CXX object ggml.cpp.o"), 0.25);
    assert.equal(buildProgressOf("[ 45%] Building CXX object x.o"), 0.45);
    assert.equal(buildProgressOf("[100%] Linking"), 1);
    assert.equal(buildProgressOf("Cloning ggml-org/llama.cpp (local bundle) 45%"), undefined);
    assert.equal(buildProgressOf("[9/0] nonsense"), undefined);
});

test("build output is split on newlines and carriage returns, without colour codes", () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push("\u001b[32mCompiling\u001b[0m 1%\rCompiling 2%\r\nDone\npart");
    split.push("ial\n\n");
    split.flush();
    assert.deepEqual(lines, ["Compiling 1%", "Compiling 2%", "Done", "partial"]);
});

test("AMX is left out of native builds only on CPUs that have it", () => {
    assert.deepEqual(nativeCpuCmakeOptions(["avx2", "avx512f"], "linux"), {});
    const amx = nativeCpuCmakeOptions(["avx512f", "amx_tile", "amx_int8"], "linux");
    assert.match(amx.CMAKE_CXX_FLAGS_RELEASE ?? "", /-mno-amx-int8/);
    assert.match(amx.CMAKE_CXX_FLAGS_RELEASE ?? "", /^-O3 -DNDEBUG/, "keeps the Release optimisation level");
    assert.deepEqual(nativeCpuCmakeOptions(["amx_tile"], "win32"), {});
});

test("judging builds: the local build is kept only when a typical request gets faster", () => {
    const engine = (build: string, prompt: number, decode: number) =>
        ({build, promptTokensPerSecond: prompt, decodeTokensPerSecond: decode, threads: {prompt: 2, decode: 1}});
    const faster = judgeBuilds(engine("localBuild", 2000, 300), engine("prebuilt", 1000, 300));
    assert.equal(faster.keepLocal, true);
    assert.equal(faster.promptSpeedup, 2);
    assert.match(faster.summary, /faster than the prebuilt one \(prompt processing 2\.00x, generation 1\.00x/);
    const slower = judgeBuilds(engine("localBuild", 900, 250), engine("prebuilt", 1000, 300));
    assert.equal(slower.keepLocal, false);
    assert.match(slower.summary, /keeps the prebuilt engine/);
});

/** A stand-in for node-llama-cpp's CLI: `mode` decides how the "build" goes. */
const FAKE_BUILDER = `
const {mkdirSync, writeFileSync} = require("node:fs");
const {join} = require("node:path");
const {spawn} = require("node:child_process");
const dir = process.env.FAKE_BUILDS_DIR, mode = process.env.FAKE_BUILD_MODE;
const options = {};
for (const [k, v] of Object.entries(process.env))
    if (k.startsWith("NODE_LLAMA_CPP_CMAKE_OPTION_")) options[k.slice(28)] = v;
const folder = join(dir, "linux-x64-fake-" + options.${SLOT_CMAKE_OPTION});
mkdirSync(join(folder, "Release"), {recursive: true});
mkdirSync(folder + ".lock", {recursive: true});
writeFileSync(join(folder, "CMakeCache.txt"), "half");
console.log("[1/4] Building CXX object ggml.c.o");
if (mode === "fail") { console.error("ggml.c:1: error: the compiler gave up"); process.exit(2); }
if (mode === "hang") {
    // A compiler that runs until killed, writing to the build's output like real ones do.
    const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], {stdio: ["ignore", "inherit", "inherit"]});
    writeFileSync(process.env.FAKE_PIDS, JSON.stringify([process.pid, grandchild.pid]));
    console.log("[2/4] Building CXX object llama.cpp.o");
    setInterval(() => {}, 1000);
} else {
    writeFileSync(join(folder, "Release", "llama-addon.node"), "");
    writeFileSync(join(folder, "Release", "_nlcBuildMetadata.json"), JSON.stringify({buildOptions: {customCmakeOptions: options, gpu: false}}));
    writeFileSync(join(folder, "buildDone.status"), "");
    require("node:fs").rmSync(folder + ".lock", {recursive: true});
    console.log("[4/4] Linking CXX shared library llama-addon.node");
}
`;

function fakeBuild(mode: "fail" | "hang" | "succeed") {
    const root = tempDir("builds");
    const dir = join(root, "localBuilds");
    mkdirSync(dir);
    const builder = join(root, "fakeBuilder.cjs");
    writeFileSync(builder, FAKE_BUILDER);
    const builds = new LocalEngineBuilds(dir, join(root, "state.json"));
    const pids = join(root, "pids.json");
    const env = {PATH: fakeToolsPath(ALL_TOOLS), FAKE_BUILDS_DIR: dir, FAKE_BUILD_MODE: mode, FAKE_PIDS: pids};
    return {builds, dir, builder, env, pids, logFile: join(root, "logs", "engine-build.log")};
}

/** A complete build in slot "a", active: the engine that must survive a failed build. */
async function withWorkingBuild(builds: LocalEngineBuilds, dir: string): Promise<void> {
    const folder = "linux-x64-working-a";
    mkdirSync(join(dir, folder, "Release"), {recursive: true});
    writeFileSync(join(dir, folder, "Release", "llama-addon.node"), "");
    writeFileSync(join(dir, folder, "Release", "_nlcBuildMetadata.json"), JSON.stringify({buildOptions: {customCmakeOptions: {[SLOT_CMAKE_OPTION]: "a"}, gpu: false}}));
    writeFileSync(join(dir, folder, "buildDone.status"), "");
    await builds.setActive({slot: "a", gpu: false, folder, builtAt: "2026-11-26T00:00:00.000Z"});
}

test("missing tools stop the build before anything is touched", posixOnly, async () => {
    const f = fakeBuild("succeed");
    await withWorkingBuild(f.builds, f.dir);
    const before = f.builds.entries();
    await assert.rejects(
        buildEngine({logFile: f.logFile, builds: f.builds, builderCli: f.builder, env: {...f.env, PATH: fakeToolsPath({git: "exit 0"})}}),
        (err: unknown) => err instanceof BuildToolsMissingError && /cmake: not found on PATH\. Install: sudo/.test(err.message) &&
            /prebuilt engine keeps working/.test(err.message)
    );
    assert.deepEqual(f.builds.entries(), before);
    assert.equal(f.builds.active()?.folder, "linux-x64-working-a");
});

test("a build that fails midway keeps its log, removes its half build and leaves the engine in use", posixOnly, async () => {
    const f = fakeBuild("fail");
    await withWorkingBuild(f.builds, f.dir);
    const lines: string[] = [];
    await assert.rejects(
        buildEngine({logFile: f.logFile, builds: f.builds, builderCli: f.builder, env: f.env, cmakeOptions: {}, onLine: (l) => lines.push(l)}),
        (err: unknown) => err instanceof EngineBuildFailedError && err.message.includes(f.logFile) && /exited with code 2/.test(err.message) &&
            err.lastLines.some((l) => l.includes("the compiler gave up"))
    );
    assert.deepEqual(f.builds.entries(), ["linux-x64-working-a"], "the half build and its lock are gone");
    assert.equal(f.builds.active()?.folder, "linux-x64-working-a");
    assert.match(readFileSync(f.logFile, "utf8"), /error: the compiler gave up/);
    assert.ok(lines.includes("[1/4] Building CXX object ggml.c.o"), "the log is streamed line by line");
});

test("cancelling a build kills the build and everything it started, and removes its output", {...posixOnly, timeout: 20_000}, async (t) => {
    const f = fakeBuild("hang");
    // Should the cancel fail to kill them, the test fails on its timeout and must not leave them running.
    t.after(() => existsSync(f.pids) && (JSON.parse(readFileSync(f.pids, "utf8")) as number[]).filter(isRunning).forEach((pid) => process.kill(pid, "SIGKILL")));
    const controller = new AbortController();
    const progress: number[] = [];
    const building = buildEngine({
        logFile: f.logFile, builds: f.builds, builderCli: f.builder, env: f.env, cmakeOptions: {}, signal: controller.signal,
        onProgress: (p) => p.fraction != null ? progress.push(p.fraction) : undefined,
        onLine: (l) => l.startsWith("[2/4]") ? controller.abort() : undefined
    });
    await assert.rejects(building, (err: unknown) => (err as Error).name === "AbortError");
    assert.deepEqual(f.builds.entries(), []);
    assert.deepEqual(progress, [0.25, 0.5]);
    // The build settled, so every process holding its output has closed it: the builder and the
    // compiler are gone or exiting. (Were the compiler not killed, the build would never settle.)
    const pids = JSON.parse(readFileSync(f.pids, "utf8")) as number[];
    assert.equal(pids.length, 2);
    await until(() => !pids.some(isRunning), t.signal);
});

test("a finished build goes beside the one in use; settling activates it and removes the old one", posixOnly, async () => {
    const f = fakeBuild("succeed");
    await withWorkingBuild(f.builds, f.dir);
    const result = await buildEngine({logFile: f.logFile, builds: f.builds, builderCli: f.builder, env: f.env, cmakeOptions: {EXTRA: "1"}});
    assert.equal(result.slot, "b");
    assert.equal(f.builds.active()?.folder, "linux-x64-working-a", "not active before settling");
    assert.deepEqual(f.builds.cmakeOptionsOf(result.folder), {EXTRA: "1", [SLOT_CMAKE_OPTION]: "b"});
    const outcome = await settleBuild(f.builds, result, undefined);
    assert.equal(outcome.active, true);
    assert.equal(f.builds.active()?.folder, "linux-x64-fake-b");
    assert.deepEqual(f.builds.entries(), ["linux-x64-fake-b"]);
    assert.equal(f.builds.nextSlot(), "a");
});

test("a slower new build is discarded and the engine in use stays", posixOnly, async () => {
    const f = fakeBuild("succeed");
    await withWorkingBuild(f.builds, f.dir);
    const result = await buildEngine({logFile: f.logFile, builds: f.builds, builderCli: f.builder, env: f.env, cmakeOptions: {}});
    const engine = (build: string, prompt: number) => ({build, promptTokensPerSecond: prompt, decodeTokensPerSecond: 10, threads: {prompt: 1, decode: 1}});
    const outcome = await settleBuild(f.builds, result, judgeBuilds(engine("localBuild", 50), engine("prebuilt", 100)));
    assert.equal(outcome.active, false);
    assert.deepEqual(f.builds.entries(), ["linux-x64-working-a"]);
    await discardBuild(f.builds, result);
    assert.equal(f.builds.active()?.folder, "linux-x64-working-a");
});

test("a recorded build whose files are incomplete is not active", () => {
    const root = tempDir("state");
    const builds = new LocalEngineBuilds(root);
    mkdirSync(join(root, "half", "Release"), {recursive: true});
    writeFileSync(builds.stateFile, JSON.stringify({active: {slot: "a", gpu: false, folder: "half", builtAt: "x"}}));
    assert.equal(builds.active(), undefined);
    assert.equal(builds.activeRecord()?.folder, "half");
    writeFileSync(builds.stateFile, "{not json");
    assert.equal(builds.activeRecord(), undefined);
    assert.rejects(builds.remove("../etc"), /refusing/);
});
