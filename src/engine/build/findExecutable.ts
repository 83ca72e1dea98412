import {accessSync, constants, statSync} from "node:fs";
import {delimiter, join} from "node:path";

/**
 * The full path of the first executable called `name` on `env.PATH` (with PATHEXT on Windows),
 * or undefined. Takes the environment as an argument so tests can simulate a machine without a
 * tool by handing it a PATH that lacks it.
 */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
    const pathValue = env.PATH ?? env.Path ?? "";
    const extensions = platform === "win32"
        ? ["", ...(env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter((e) => e !== "")]
        : [""];
    for (const dir of pathValue.split(platform === "win32" ? ";" : delimiter)) {
        if (dir === "")
            continue;
        for (const ext of extensions) {
            const candidate = join(dir, name + ext);
            if (isExecutableFile(candidate, platform))
                return candidate;
        }
    }
    return undefined;
}

/** The first of `names` found on PATH, with the name that matched. */
export function findFirstExecutable(names: readonly string[], env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): {name: string; path: string} | undefined {
    for (const name of names) {
        const path = findExecutable(name, env, platform);
        if (path != null)
            return {name, path};
    }
    return undefined;
}

export function isExecutableFile(path: string, platform: NodeJS.Platform = process.platform): boolean {
    try {
        if (!statSync(path).isFile())
            return false;
        if (platform !== "win32")
            accessSync(path, constants.X_OK);
        return true;
    } catch {
        return false;
    }
}
