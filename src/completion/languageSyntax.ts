/** What post-processing needs to know about a language: how a line comment starts. */
export interface LanguageSyntax {
    readonly lineComments: readonly string[];
}

const SLASHES = ["//"];
const HASH = ["#"];
const BY_EXTENSION: Readonly<Record<string, readonly string[]>> = {
    ts: SLASHES, tsx: SLASHES, mts: SLASHES, cts: SLASHES, js: SLASHES, jsx: SLASHES, mjs: SLASHES, cjs: SLASHES,
    java: SLASHES, c: SLASHES, h: SLASHES, cc: SLASHES, cpp: SLASHES, cxx: SLASHES, hpp: SLASHES, hh: SLASHES,
    cs: SLASHES, go: SLASHES, rs: SLASHES, swift: SLASHES, kt: SLASHES, kts: SLASHES, scala: SLASHES,
    dart: SLASHES, zig: SLASHES, proto: SLASHES, groovy: SLASHES, jsonc: SLASHES, m: SLASHES, mm: SLASHES,
    php: ["//", "#"],
    py: HASH, pyi: HASH, rb: HASH, sh: HASH, bash: HASH, zsh: HASH, fish: HASH, yaml: HASH, yml: HASH,
    toml: HASH, r: HASH, pl: HASH, pm: HASH, ps1: HASH, cmake: HASH, conf: HASH, nim: HASH, ex: HASH,
    exs: HASH, jl: HASH, tf: ["#", "//"], mk: HASH, dockerfile: HASH,
    sql: ["--"], lua: ["--"], hs: ["--"], elm: ["--"], ada: ["--"],
    lisp: [";"], clj: [";"], cljs: [";"], el: [";"], scm: [";"], asm: [";", "#"], s: [";", "#"], ini: [";", "#"],
    tex: ["%"], erl: ["%"], hrl: ["%"], bat: ["REM ", "::"], vim: ['"']
};
const BY_FILE_NAME: Readonly<Record<string, readonly string[]>> = {dockerfile: HASH, makefile: HASH, cmakelists: HASH};

/**
 * The syntax for a file, from its name only, so the CLI (which knows a file name but not VS Code's
 * language id) and the editor post-process alike. Unknown files get the two commonest comment starts.
 */
export function languageSyntaxFor(fileName: string | undefined): LanguageSyntax {
    if (fileName == null)
        return {lineComments: ["//", "#"]};
    const base = fileName.split(/[\\/]/).pop()!.toLowerCase();
    const stem = base.replace(/\.txt$/, "").split(".")[0]!;
    const extension = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : "";
    return {lineComments: BY_FILE_NAME[stem] ?? BY_EXTENSION[extension] ?? ["//", "#"]};
}
