import {execFile} from "node:child_process";
import {existsSync, readFileSync} from "node:fs";
import {join} from "node:path";
import {promisify} from "node:util";
import {findExecutable, findFirstExecutable} from "./findExecutable";

const run = promisify(execFile);

/** node-llama-cpp's CMakeLists.txt asks for this version. */
const MIN_CMAKE: readonly [number, number] = [3, 19];

export type BuildTool = "cmake" | "C++ compiler" | "make or ninja" | "git" | "npm";

export interface MissingTool {
    readonly tool: BuildTool;
    /** What is wrong ("not found", "3.10 is too old; 3.19 or newer is needed"). */
    readonly problem: string;
    /** How to install it on this OS, as a command or a short instruction. */
    readonly install: string;
}

export interface BuildToolsReport {
    readonly ok: boolean;
    readonly missing: readonly MissingTool[];
    /** Tools found, for the log: "cmake 3.25.1 (/usr/bin/cmake)". */
    readonly found: readonly string[];
}

/** Where to look; defaults to this process. Tests pass a PATH without the tool. */
export interface BuildToolsEnvironment {
    readonly env?: NodeJS.ProcessEnv;
    readonly platform?: NodeJS.Platform;
}

/**
 * Checks what building node-llama-cpp's llama.cpp from source needs: cmake, a C++ compiler,
 * make or ninja (what cmake drives outside Windows), git (the source is cloned from a bundle) and
 * npm (node-llama-cpp runs cmake-js through it). Says exactly what is missing and how to get it.
 */
export async function checkBuildTools(where: BuildToolsEnvironment = {}): Promise<BuildToolsReport> {
    const env = where.env ?? process.env;
    const platform = where.platform ?? process.platform;
    const missing: MissingTool[] = [];
    const found: string[] = [];
    const hints = installHints(platform);
    const note = (tool: BuildTool, problem: string) => missing.push({tool, problem, install: hints[tool]});

    const cmake = findExecutable("cmake", env, platform);
    if (cmake == null)
        note("cmake", "not found on PATH");
    else {
        const version = await cmakeVersion(cmake, env);
        if (version == null)
            note("cmake", `${cmake} does not run`);
        else if (compareVersions(version, MIN_CMAKE) < 0)
            note("cmake", `version ${version.join(".")} is too old; ${MIN_CMAKE.join(".")} or newer is needed`);
        else
            found.push(`cmake ${version.join(".")} (${cmake})`);
    }
    const compiler = findCompiler(env, platform);
    if (compiler == null)
        note("C++ compiler", "no C++ compiler found");
    else
        found.push(`C++ compiler ${compiler}`);
    if (platform !== "win32") {
        const generator = findFirstExecutable(["ninja", "make"], env, platform);
        if (generator == null)
            note("make or ninja", "neither was found on PATH");
        else
            found.push(`${generator.name} (${generator.path})`);
    }
    for (const tool of ["git", "npm"] as const) {
        const path = findExecutable(tool, env, platform);
        if (path == null)
            note(tool, "not found on PATH");
        else
            found.push(`${tool} (${path})`);
    }
    return {ok: missing.length === 0, missing, found};
}

/** One paragraph for a person: what is missing and the commands that install it. */
export function describeMissingTools(report: BuildToolsReport): string {
    const lines = report.missing.map((m) => `${m.tool}: ${m.problem}. Install: ${m.install}`);
    return `Building the engine needs tools this machine lacks. ${lines.join(" ")} ` +
        "The prebuilt engine keeps working meanwhile.";
}

function findCompiler(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
    const fromEnv = env.CXX?.trim();
    if (fromEnv != null && fromEnv !== "") {
        const path = findExecutable(fromEnv, env, platform) ?? (existsSync(fromEnv) ? fromEnv : undefined);
        if (path != null)
            return path;
    }
    if (platform === "win32")
        return findExecutable("cl", env, platform) ?? findVisualStudio(env);
    return findFirstExecutable(platform === "darwin" ? ["clang++", "c++"] : ["c++", "g++", "clang++"], env, platform)?.path;
}

/** Visual Studio's compiler is not on PATH outside a developer prompt; its installer tool says if it exists. */
function findVisualStudio(env: NodeJS.ProcessEnv): string | undefined {
    const programFiles = env["ProgramFiles(x86)"] ?? env.ProgramFiles;
    if (programFiles == null)
        return undefined;
    const vswhere = join(programFiles, "Microsoft Visual Studio", "Installer", "vswhere.exe");
    return existsSync(vswhere) ? `Visual Studio (found by ${vswhere})` : undefined;
}

async function cmakeVersion(cmake: string, env: NodeJS.ProcessEnv): Promise<number[] | undefined> {
    try {
        const {stdout} = await run(cmake, ["--version"], {env, timeout: 15_000});
        const match = /version (\d+)\.(\d+)(?:\.(\d+))?/.exec(stdout);
        return match == null ? undefined : match.slice(1).filter((p) => p != null).map(Number);
    } catch {
        return undefined;
    }
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const diff = (a[i] ?? 0) - (b[i] ?? 0);
        if (diff !== 0)
            return diff;
    }
    return 0;
}

/** Install commands per OS; on Linux for the distribution's own package manager. */
export function installHints(platform: NodeJS.Platform, osRelease: string = readOsRelease()): Record<BuildTool, string> {
    if (platform === "darwin")
        return {
            "cmake": "brew install cmake (or download it from cmake.org)",
            "C++ compiler": "xcode-select --install",
            "make or ninja": "xcode-select --install",
            "git": "xcode-select --install",
            "npm": "brew install node (or install Node.js from nodejs.org)"
        };
    if (platform === "win32")
        return {
            "cmake": "winget install Kitware.CMake",
            "C++ compiler": "winget install Microsoft.VisualStudio.2022.BuildTools, then add the \"Desktop development with C++\" workload",
            "make or ninja": "not needed on Windows",
            "git": "winget install Git.Git",
            "npm": "winget install OpenJS.NodeJS.LTS"
        };
    const pm = linuxPackageManager(osRelease);
    const pkg = (packages: Record<typeof pm.name, string>) => `${pm.install} ${packages[pm.name]}`;
    return {
        "cmake": pkg({apt: "cmake", dnf: "cmake", pacman: "cmake", apk: "cmake", zypper: "cmake"}),
        "C++ compiler": pkg({apt: "build-essential", dnf: "gcc-c++", pacman: "base-devel", apk: "build-base", zypper: "gcc-c++"}),
        "make or ninja": pkg({apt: "make", dnf: "make", pacman: "make", apk: "make", zypper: "make"}),
        "git": pkg({apt: "git", dnf: "git", pacman: "git", apk: "git", zypper: "git"}),
        "npm": pkg({apt: "npm", dnf: "npm", pacman: "npm", apk: "npm", zypper: "npm"})
    };
}

type LinuxPackageManager = {name: "apt" | "dnf" | "pacman" | "apk" | "zypper"; install: string};

export function linuxPackageManager(osRelease: string): LinuxPackageManager {
    const ids = /^(?:ID|ID_LIKE)=(.*)$/gm;
    const words = [...osRelease.matchAll(ids)].flatMap((m) => m[1]!.replace(/"/g, "").split(/\s+/));
    if (words.some((w) => ["fedora", "rhel", "centos", "rocky", "almalinux"].includes(w)))
        return {name: "dnf", install: "sudo dnf install"};
    if (words.some((w) => ["arch", "manjaro", "endeavouros"].includes(w)))
        return {name: "pacman", install: "sudo pacman -S"};
    if (words.includes("alpine"))
        return {name: "apk", install: "sudo apk add"};
    if (words.some((w) => w.includes("suse")))
        return {name: "zypper", install: "sudo zypper install"};
    return {name: "apt", install: "sudo apt install"};
}

function readOsRelease(): string {
    try {
        return readFileSync("/etc/os-release", "utf8");
    } catch {
        return "";
    }
}
