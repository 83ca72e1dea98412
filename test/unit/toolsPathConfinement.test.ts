import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdir, realpath, symlink, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {ToolError} from "../../src/tools/toolError";
import {WorkspacePaths} from "../../src/tools/workspacePaths";
import {tempDir} from "../helpers/tempDir";

/** A workspace folder next to a "secret" folder outside it, with links both ways. */
async function fixture(): Promise<{root: string; outside: string; paths: WorkspacePaths}> {
    const base = await realpath(tempDir("paths"));
    const root = join(base, "project");
    const outside = join(base, "secret");
    await mkdir(join(root, "src"), {recursive: true});
    await mkdir(outside);
    await writeFile(join(root, "src", "a.ts"), "export {};\n");
    await writeFile(join(outside, "key.txt"), "hunter2\n");
    await symlink(outside, join(root, "escape"));
    await symlink(join(outside, "key.txt"), join(root, "key-link.txt"));
    await symlink(join(root, "src"), join(root, "src-link"));
    return {root, outside, paths: new WorkspacePaths([{name: "project", path: root}])};
}

async function refused(paths: WorkspacePaths, requested: string, pattern: RegExp): Promise<void> {
    await assert.rejects(paths.resolve(requested), (err: unknown) => err instanceof ToolError && pattern.test(err.message), `expected ${requested} to be refused`);
}

test("relative paths inside the workspace resolve to the file, shown relative", async () => {
    const {root, paths} = await fixture();
    const resolved = await paths.resolve("src/a.ts");
    assert.equal(resolved.absolute, join(root, "src", "a.ts"));
    assert.equal(paths.display(resolved), "src/a.ts");
    assert.equal(paths.display(await paths.resolve("./src/../src/a.ts")), "src/a.ts");
    assert.equal(paths.display(await paths.resolve(".")), ".");
    assert.equal(paths.display(await paths.resolve("src\\a.ts")), "src/a.ts", "backslashes are separators");
});

test("traversal with .. out of the workspace is refused, however it is written", async () => {
    const {paths} = await fixture();
    for (const attempt of ["../secret/key.txt", "src/../../secret/key.txt", "..", "src/../..", "..\\secret\\key.txt", "./../project/../secret/key.txt"])
        await refused(paths, attempt, /outside the workspace/);
});

test("absolute paths are accepted inside the workspace and refused outside it", async () => {
    const {root, outside, paths} = await fixture();
    assert.equal(paths.display(await paths.resolve(join(root, "src", "a.ts"))), "src/a.ts");
    await refused(paths, join(outside, "key.txt"), /outside the workspace/);
    await refused(paths, "/etc/passwd", /outside the workspace/);
    await refused(paths, `${root}-other/file.txt`, /outside the workspace/); // a sibling whose name starts the same
});

test("symbolic links that lead out of the workspace are refused; links inside it are fine", async () => {
    const {paths} = await fixture();
    await refused(paths, "escape/key.txt", /symbolic link/);
    await refused(paths, "escape", /symbolic link/);
    await refused(paths, "key-link.txt", /symbolic link/);
    await refused(paths, "escape/new-file.txt", /symbolic link/); // a file that does not exist yet, under a link out
    assert.equal(paths.display(await paths.resolve("src-link/a.ts")), "src-link/a.ts");
});

test("new files inside the workspace resolve, even in folders that do not exist yet", async () => {
    const {root, paths} = await fixture();
    const resolved = await paths.resolve("docs/new/notes.md");
    assert.equal(resolved.absolute, join(root, "docs", "new", "notes.md"));
});

test("empty paths, NUL bytes and a workspace without folders get a clear error", async () => {
    const {paths} = await fixture();
    await refused(paths, "", /not a usable path/);
    await refused(paths, "   ", /not a usable path/);
    await refused(paths, "src/a.ts\0.png", /not a usable path/);
    await refused(new WorkspacePaths([]), "src/a.ts", /No folder is open/);
});

test("in a multi-root workspace a folder name picks the folder and paths are shown with it", async () => {
    const {root} = await fixture();
    const other = await realpath(tempDir("paths-other"));
    await writeFile(join(other, "b.txt"), "b");
    const paths = new WorkspacePaths([{name: "project", path: root}, {name: "other", path: other}]);
    const b = await paths.resolve("other/b.txt");
    assert.equal(b.absolute, join(other, "b.txt"));
    assert.equal(paths.display(b), "other/b.txt");
    assert.equal(paths.display(await paths.resolve("src/a.ts")), "project/src/a.ts");
    await assert.rejects(paths.resolve("other/../../etc/passwd"), ToolError);
});

test("the link check goes through the realpath seam, so an escape is caught on any file system", async () => {
    const links = new Map([["/ws/link", "/elsewhere"]]);
    const fakeRealpath = async (path: string) => {
        for (const [from, to] of links)
            if (path === from || path.startsWith(`${from}/`))
                return to + path.slice(from.length);
        if (path.startsWith("/ws"))
            return path;
        throw Object.assign(new Error("missing"), {code: "ENOENT"});
    };
    const paths = new WorkspacePaths([{name: "ws", path: "/ws"}], fakeRealpath);
    await assert.rejects(paths.resolve("link/file"), /symbolic link/);
    assert.equal((await paths.resolve("plain/file")).relative, "plain/file");
});
