import {fakeVscode, openFakeDocument, resetFakeVscode} from "../helpers/fakeVscode";
import {test} from "node:test";
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import {createHash} from "node:crypto";
import {constants} from "node:fs";
import {link, lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, realpath, rename, rm, symlink, unlink, writeFile} from "node:fs/promises";
import {createServer, type Server} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {createFileTool} from "../../src/tools/createFileTool";
import {editFileTool} from "../../src/tools/editFileTool";
import {listDirectoryTool} from "../../src/tools/listDirectoryTool";
import {NodeToolEnvironment} from "../../src/tools/nodeToolEnvironment";
import {readFileTool} from "../../src/tools/readFileTool";
import {searchTextTool} from "../../src/tools/searchTextTool";
import {ToolError} from "../../src/tools/toolError";
import type {ChangeDecision, ProposedChange, ToolEnvironment, ToolOutput} from "../../src/tools/toolDefinition";
import {VsCodeToolEnvironment} from "../../src/tools/vscode/vscodeToolEnvironment";
import {WorkspacePaths} from "../../src/tools/workspacePaths";

/**
 * Hostile paths through both tool environments (the Node one and the VS Code one over a fake
 * `vscode`): every attempt runs on a fresh workspace next to a "secret" folder, and counts as an
 * escape when a secret reaches the tool's output or anything outside the workspace changes. A
 * deadline per attempt turns a hang (a blocking open of a named pipe) into a failure.
 */

const SECRET = "SECRET-7f3a9c";
const DEADLINE_MS = 5000;

interface Fixture {
    readonly base: string;
    readonly root: string;
    readonly outside: string;
    /** Whatever the attempt's review hook should do before the user "accepts" (a TOCTOU swap). */
    duringReview?: () => Promise<void>;
    readonly reviewed: ProposedChange[];
    readonly servers: Server[];
}

type Expect = "refused" | "no-escape" | "confirm";

interface Attempt {
    readonly name: string;
    readonly expect: Expect;
    /** For "refused": the words the refusal must contain. */
    readonly says?: RegExp;
    setup?(f: Fixture): Promise<void>;
    run(env: ToolEnvironment, f: Fixture): Promise<ToolOutput>;
}

const read = (path: string) => (env: ToolEnvironment) => readFileTool.run({path, startLine: null, endLine: null}, env);
const create = (path: string) => (env: ToolEnvironment) => createFileTool.run({path, content: `planted ${SECRET}\n`}, env);
const edit = (path: string) => (env: ToolEnvironment) => editFileTool.run({path, find: "hello", replace: "HACKED"}, env);

async function mkfifo(path: string): Promise<void> {
    execFileSync("mkfifo", [path]);
}

async function socketAt(f: Fixture, path: string): Promise<void> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    f.servers.push(server);
}

const ATTEMPTS: readonly Attempt[] = [
    // Lexical escapes.
    {name: "read ../secret", expect: "refused", says: /outside the workspace/, run: read("../secret/key.txt")},
    {name: "read src/../../secret", expect: "refused", says: /outside the workspace/, run: read("src/../../secret/key.txt")},
    {name: "read with backslashes", expect: "refused", says: /outside the workspace/, run: read("..\\secret\\key.txt")},
    {name: "read an absolute path outside", expect: "refused", says: /outside the workspace/, run: (env, f) => read(join(f.outside, "key.txt"))(env)},
    {name: "read /etc/passwd", expect: "refused", says: /outside the workspace/, run: read("/etc/passwd")},
    {name: "read /proc/self/root/etc/passwd", expect: "refused", says: /outside the workspace/, run: read("/proc/self/root/etc/passwd")},
    {name: "read root/../secret (absolute)", expect: "refused", says: /outside the workspace/, run: (env, f) => read(`${f.root}/../secret/key.txt`)(env)},
    {name: "read a sibling folder whose name starts like the root", expect: "refused", says: /outside the workspace/,
        setup: async (f) => {
            await mkdir(`${f.root}-other`);
            await writeFile(`${f.root}-other/key.txt`, SECRET);
        },
        run: (env, f) => read(`${f.root}-other/key.txt`)(env)},
    {name: "read with a NUL byte", expect: "refused", says: /not a usable path/, run: read("src/a.txt\0../../secret/key.txt")},
    {name: "create ../secret/new.txt", expect: "refused", says: /outside the workspace/, run: create("../secret/new.txt")},
    {name: "create at an absolute path outside", expect: "refused", says: /outside the workspace/, run: (env, f) => create(join(f.outside, "abs.txt"))(env)},
    // Look-alikes that must stay plain names inside the workspace.
    {name: "read ~/.bashrc (a folder named ~ here)", expect: "no-escape", run: read("~/.bashrc")},
    {name: "read fullwidth dots ．．/secret", expect: "no-escape", run: read("\uFF0E\uFF0E/secret/key.txt")},
    {name: "read %2e%2e/secret", expect: "no-escape", run: read("%2e%2e/secret/key.txt")},
    {name: "read ..∕secret (division slash)", expect: "no-escape", run: read("..\u2215secret\u2215key.txt")},
    {name: "read ../SECRET in another case", expect: "refused", says: /outside the workspace/, run: read("../SECRET/key.txt")},
    {name: "create fullwidth ．．/planted.txt", expect: "no-escape", run: create("\uFF0E\uFF0E/planted.txt")},
    // Symbolic links.
    {name: "read through a folder link to outside", expect: "refused", says: /symbolic link/, run: read("escape/key.txt")},
    {name: "read a file link to outside", expect: "refused", says: /symbolic link/, run: read("key-link.txt")},
    {name: "read a chain of links ending outside", expect: "refused", says: /symbolic link/,
        setup: async (f) => {
            await symlink(join(f.outside, "key.txt"), join(f.root, "chain2"));
            await symlink(join(f.root, "chain2"), join(f.root, "chain1"));
        },
        run: read("chain1")},
    {name: "read a link to /dev/zero", expect: "refused", says: /symbolic link/, setup: (f) => symlink("/dev/zero", join(f.root, "zero")), run: read("zero")},
    {name: "read a dangling link", expect: "refused", says: /does not exist/, run: read("dangling.txt")},
    {name: "create through a dangling file link", expect: "refused", says: /symbolic link to something that does not exist/, run: create("dangling.txt")},
    {name: "create under a dangling folder link", expect: "refused", says: /symbolic link to something that does not exist/, run: create("dangling-dir/new.txt")},
    {name: "create through a folder link to outside", expect: "refused", says: /symbolic link/, run: create("escape/new.txt")},
    {name: "create deep under a folder link to outside", expect: "refused", says: /symbolic link/, run: create("escape/a/b/new.txt")},
    {name: "edit a file link to outside", expect: "refused", says: /symbolic link/, run: edit("key-link.txt")},
    {name: "list a folder link to outside", expect: "refused", says: /symbolic link/, run: (env) => listDirectoryTool.run({path: "escape"}, env)},
    // Hard links.
    {name: "read a hard link to a secret", expect: "refused", says: /hard links/, run: read("hard.txt")},
    {name: "edit a hard link to a secret", expect: "refused", says: /hard links/, run: edit("hard.txt")},
    {name: "create over a hard link", expect: "refused", says: /already exists/, run: create("hard.txt")},
    {name: "search finds nothing through a hard link", expect: "no-escape", run: (env) => searchTextTool.run({query: "hello", include: null}, env)},
    // Files that are not regular: they must fail fast, never block.
    {name: "read a named pipe", expect: "refused", says: /named pipe/, setup: (f) => mkfifo(join(f.root, "pipe")), run: read("pipe")},
    {name: "read a link to a named pipe", expect: "refused", says: /named pipe/,
        setup: async (f) => {
            await mkfifo(join(f.root, "pipe"));
            await symlink(join(f.root, "pipe"), join(f.root, "pipe-link"));
        },
        run: read("pipe-link")},
    {name: "create over a named pipe", expect: "refused", says: /named pipe/, setup: (f) => mkfifo(join(f.root, "pipe")), run: create("pipe")},
    {name: "edit a named pipe", expect: "refused", says: /named pipe/, setup: (f) => mkfifo(join(f.root, "pipe")), run: edit("pipe")},
    {name: "search beside a named pipe", expect: "no-escape", setup: (f) => mkfifo(join(f.root, "pipe")), run: (env) => searchTextTool.run({query: "hello", include: null}, env)},
    {name: "read a socket", expect: "refused", says: /socket/, setup: (f) => socketAt(f, join(f.root, "sock")), run: read("sock")},
    {name: "create over a socket", expect: "refused", says: /socket/, setup: (f) => socketAt(f, join(f.root, "sock")), run: create("sock")},
    {name: "read a device node in the workspace", expect: "refused", says: /a device/, setup: (f) => mknodZero(join(f.root, "zero-dev")), run: read("zero-dev")},
    // The path changes between the review and the write (TOCTOU).
    {name: "edit: the file becomes a link to outside during the review", expect: "refused", says: /symbolic link|replaced/,
        setup: async (f) => {
            f.duringReview = async () => {
                await unlink(join(f.root, "src", "a.txt"));
                await symlink(join(f.outside, "key.txt"), join(f.root, "src", "a.txt"));
            };
        },
        run: edit("src/a.txt")},
    {name: "edit: the file becomes a hard link to outside during the review", expect: "refused", says: /hard links|changed while/,
        setup: async (f) => {
            f.duringReview = async () => {
                await unlink(join(f.root, "src", "a.txt"));
                await link(join(f.outside, "hello.txt"), join(f.root, "src", "a.txt"));
            };
        },
        run: edit("src/a.txt")},
    {name: "edit: the file becomes a named pipe during the review", expect: "refused", says: /named pipe/,
        setup: async (f) => {
            f.duringReview = async () => {
                await unlink(join(f.root, "src", "a.txt"));
                await mkfifo(join(f.root, "src", "a.txt"));
            };
        },
        run: edit("src/a.txt")},
    {name: "edit: its folder becomes a link to outside during the review", expect: "refused", says: /symbolic link|replaced/,
        setup: async (f) => {
            await writeFile(join(f.root, "src", "key.txt"), "hello key\n");
            f.duringReview = async () => {
                await rename(join(f.root, "src"), join(f.root, "src-old"));
                await symlink(f.outside, join(f.root, "src"));
            };
        },
        run: edit("src/key.txt")},
    {name: "create: a dangling link appears at the path during the review", expect: "refused", says: /symbolic link|appeared/,
        setup: async (f) => {
            f.duringReview = () => symlink(join(f.outside, "planted.txt"), join(f.root, "new.txt"));
        },
        run: create("new.txt")},
    {name: "create: the new file's folder becomes a link to outside during the review", expect: "refused", says: /symbolic link/,
        setup: async (f) => {
            f.duringReview = () => symlink(f.outside, join(f.root, "docs"));
        },
        run: create("docs/notes.txt")},
    {name: "create: an existing parent becomes a link to outside during the review", expect: "refused", says: /symbolic link/,
        setup: async (f) => {
            f.duringReview = async () => {
                await rename(join(f.root, "src"), join(f.root, "src-old"));
                await symlink(f.outside, join(f.root, "src"));
            };
        },
        run: create("src/new/notes.txt")},
    // Writes into .git/ need an explicit confirmation (the review sees why); they stay inside.
    {name: "create .git/hooks/pre-commit", expect: "confirm", run: create(".git/hooks/pre-commit")},
    {name: "create .GIT/hooks/post-checkout (another case)", expect: "confirm", run: create(".GIT/hooks/post-checkout")},
    {name: "create .git./config (a trailing dot, as Windows reads it)", expect: "confirm", run: create(".git./config")},
    {name: "create .g\u200cit/config (an ignorable code point, as macOS reads it)", expect: "confirm", run: create(".g\u200cit/config")},
    {name: "create through a link into .git/", expect: "confirm",
        setup: (f) => symlink(join(f.root, ".git", "hooks"), join(f.root, "hooks")), run: create("hooks/post-merge")},
    {name: "edit .git/config", expect: "confirm", run: (env) => editFileTool.run({path: ".git/config", find: "bare = false", replace: "bare = true"}, env)}
];

async function mknodZero(path: string): Promise<void> {
    execFileSync("mknod", [path, "c", "1", "5"]);
}

const canMknod = (() => {
    try {
        execFileSync("sh", ["-c", "d=$(mktemp -d) && mknod \"$d/z\" c 1 5 && rm -rf \"$d\""], {stdio: "ignore"});
        return true;
    } catch {
        return false;
    }
})();

async function fixture(): Promise<Fixture> {
    const base = await realpath(await mkdtemp(join(tmpdir(), "qp-escape-")));
    const root = join(base, "project");
    const outside = join(base, "secret");
    await mkdir(join(root, "src"), {recursive: true});
    await mkdir(join(root, ".git", "hooks"), {recursive: true});
    await mkdir(outside);
    await writeFile(join(root, "src", "a.txt"), "hello world\n");
    await writeFile(join(root, ".git", "config"), "[core]\n\tbare = false\n");
    await writeFile(join(outside, "key.txt"), `${SECRET}\n`);
    await writeFile(join(outside, "hello.txt"), `hello ${SECRET}\n`);
    await symlink(outside, join(root, "escape"));
    await symlink(join(outside, "key.txt"), join(root, "key-link.txt"));
    await symlink(join(outside, "missing.txt"), join(root, "dangling.txt"));
    await symlink(join(outside, "missing-dir"), join(root, "dangling-dir"));
    await link(join(outside, "hello.txt"), join(root, "hard.txt"));
    return {base, root, outside, reviewed: [], servers: []};
}

/** Everything outside the workspace folder, by path: type and content (or link target). */
async function snapshotOutside(f: Fixture): Promise<Map<string, string>> {
    const seen = new Map<string, string>();
    const walk = async (dir: string): Promise<void> => {
        for (const name of await readdir(dir)) {
            const path = join(dir, name);
            if (path === f.root)
                continue;
            const info = await lstat(path);
            if (info.isSymbolicLink())
                seen.set(path, `link:${await readlink(path)}`);
            else if (info.isDirectory()) {
                seen.set(path, "dir");
                await walk(path);
            } else if (info.isFile())
                seen.set(path, `file:${createHash("sha256").update(await readFile(path)).digest("hex")}`);
            else
                seen.set(path, "other");
        }
    };
    await walk(f.base);
    return seen;
}

function environment(kind: "node" | "vscode", f: Fixture): ToolEnvironment {
    const decide = async (change: ProposedChange): Promise<ChangeDecision> => {
        f.reviewed.push(change);
        await f.duringReview?.();
        return "accepted";
    };
    if (kind === "node")
        return new NodeToolEnvironment({paths: new WorkspacePaths([{name: "project", path: f.root}]), signal: new AbortController().signal, decideChange: decide});
    resetFakeVscode(f.root);
    return new VsCodeToolEnvironment(new AbortController().signal, {
        review: decide,
        runCommand: async () => ({ran: false})
    });
}

/** Rejects when `work` takes longer than the deadline: a hang is a failure, not a stuck runner. */
async function withDeadline<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hung: ${what} did not finish within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    });
    try {
        return await Promise.race([work, deadline]);
    } finally {
        clearTimeout(timer);
    }
}

/** Opens every named pipe in the workspace for reading and writing, which releases anything blocked on one. */
async function releasePipes(root: string): Promise<void> {
    for (const name of ["pipe", "src/a.txt"]) {
        const info = await lstat(join(root, name)).catch(() => undefined);
        if (info?.isFIFO() === true)
            await (await open(join(root, name), constants.O_RDWR | constants.O_NONBLOCK)).close();
    }
}

interface Tally {
    tried: number;
    escaped: string[];
    hung: string[];
    wrong: string[];
}

async function runAttempt(kind: "node" | "vscode", attempt: Attempt, tally: Tally): Promise<void> {
    const f = await fixture();
    try {
        await attempt.setup?.(f);
        const before = await snapshotOutside(f);
        const env = environment(kind, f);
        tally.tried++;
        let output: ToolOutput | undefined;
        let error: unknown;
        try {
            output = await withDeadline(attempt.run(env, f), `${kind}: ${attempt.name}`);
        } catch (err) {
            error = err;
        }
        if (error instanceof Error && error.message.startsWith("hung:"))
            tally.hung.push(`${kind}: ${attempt.name}`);
        const leaked = JSON.stringify(output ?? "").includes(SECRET) || (error instanceof Error && error.message.includes(SECRET));
        const after = await snapshotOutside(f);
        const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
        if (leaked || changed.length > 0)
            tally.escaped.push(`${kind}: ${attempt.name}${leaked ? " (secret in the output)" : ""}${changed.length > 0 ? ` (changed outside: ${changed.join(", ")})` : ""}`);
        const problem = judge(attempt, output, error, f);
        if (problem != null)
            tally.wrong.push(`${kind}: ${attempt.name}: ${problem}`);
    } finally {
        await releasePipes(f.root).catch(() => undefined);
        for (const server of f.servers)
            server.close();
        await rm(f.base, {recursive: true, force: true});
    }
}

/** Whether the attempt ended the way it should have (beyond not escaping). */
function judge(attempt: Attempt, output: ToolOutput | undefined, error: unknown, f: Fixture): string | undefined {
    if (attempt.expect === "refused") {
        if (!(error instanceof ToolError))
            return `expected a refusal, got ${error != null ? String(error) : JSON.stringify(output?.result)}`;
        return attempt.says != null && !attempt.says.test(error.message) ? `the refusal "${error.message}" should match ${attempt.says}` : undefined;
    }
    if (attempt.expect === "confirm") {
        if (error != null)
            return `a write inside .git/ the user confirmed failed: ${String(error)}`;
        const review = f.reviewed[f.reviewed.length - 1];
        return review?.dangers?.some((d) => d.includes(".git/")) === true ? undefined : "the review did not say that it writes inside .git/";
    }
    return error != null && !(error instanceof ToolError) ? `failed with a non-tool error: ${String(error)}` : undefined;
}

for (const kind of ["node", "vscode"] as const) {
    test(`path-escape attempts through the ${kind} tool environment: none escapes, none hangs`, async (t) => {
        const tally: Tally = {tried: 0, escaped: [], hung: [], wrong: []};
        for (const attempt of ATTEMPTS) {
            if (attempt.name.includes("device node") && !canMknod) {
                t.diagnostic(`skipped "${attempt.name}": mknod needs root`);
                continue;
            }
            await runAttempt(kind, attempt, tally);
        }
        t.diagnostic(`${kind}: paths tried ${tally.tried}, escaped ${tally.escaped.length}, hung ${tally.hung.length}, wrong outcome ${tally.wrong.length}`);
        assert.deepEqual(tally.escaped, [], "escapes");
        assert.deepEqual(tally.hung, [], "hangs");
        assert.deepEqual(tally.wrong, [], "outcomes");
        assert.ok(tally.tried >= 40, `at least 40 attempts (${tally.tried})`);
    });
}

test("a file open in the editor is edited through the editor, with the same write-time checks", async () => {
    const f = await fixture();
    try {
        const env = environment("vscode", f);
        const doc = openFakeDocument(join(f.root, "src", "a.txt"), "hello world\n");
        await editFileTool.run({path: "src/a.txt", find: "world", replace: "there"}, env);
        assert.equal(doc.getText(), "hello there\n");
        assert.equal(await readFile(join(f.root, "src", "a.txt"), "utf8"), "hello there\n", "saved");

        f.duringReview = async () => {
            await unlink(join(f.root, "src", "a.txt"));
            await symlink(join(f.outside, "key.txt"), join(f.root, "src", "a.txt"));
        };
        await assert.rejects(editFileTool.run({path: "src/a.txt", find: "there", replace: "HACKED"}, env), /symbolic link/);
        assert.equal(await readFile(join(f.outside, "key.txt"), "utf8"), `${SECRET}\n`, "the file outside is untouched");
        assert.equal(fakeVscode.workspace.textDocuments.length, 1);
    } finally {
        await rm(f.base, {recursive: true, force: true});
    }
});

test("an accepted edit keeps the file's identity and its BOM, and a file changed meanwhile is not overwritten", async () => {
    const f = await fixture();
    try {
        await writeFile(join(f.root, "bom.txt"), "\uFEFFhello world\n");
        const env = environment("node", f);
        const inode = (await lstat(join(f.root, "bom.txt"))).ino;
        await editFileTool.run({path: "bom.txt", find: "world", replace: "there"}, env);
        assert.equal(await readFile(join(f.root, "bom.txt"), "utf8"), "\uFEFFhello there\n");
        assert.equal((await lstat(join(f.root, "bom.txt"))).ino, inode, "rewritten in place");
        f.duringReview = () => writeFile(join(f.root, "bom.txt"), "someone else's text\n");
        await assert.rejects(editFileTool.run({path: "bom.txt", find: "there", replace: "again"}, env), /changed while the edit waited/);
        assert.equal(await readFile(join(f.root, "bom.txt"), "utf8"), "someone else's text\n", "their text is kept");
    } finally {
        await rm(f.base, {recursive: true, force: true});
    }
});
