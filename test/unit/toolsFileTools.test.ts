import {test} from "node:test";
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {mkdir, readFile, realpath, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {createFileTool} from "../../src/tools/createFileTool";
import {editFileTool} from "../../src/tools/editFileTool";
import {findFilesTool} from "../../src/tools/findFilesTool";
import {listDirectoryTool} from "../../src/tools/listDirectoryTool";
import {NodeToolEnvironment, type NodeToolEnvironmentOptions} from "../../src/tools/nodeToolEnvironment";
import {readFileTool} from "../../src/tools/readFileTool";
import {runCommandTool} from "../../src/tools/runCommandTool";
import {searchTextTool} from "../../src/tools/searchTextTool";
import {ToolError} from "../../src/tools/toolError";
import type {ProposedChange} from "../../src/tools/toolDefinition";
import {WorkspacePaths} from "../../src/tools/workspacePaths";
import {tempDir} from "../helpers/tempDir";

async function workspace(options: Partial<NodeToolEnvironmentOptions> = {}): Promise<{root: string; env: NodeToolEnvironment}> {
    const root = await realpath(tempDir("tools"));
    await mkdir(join(root, "src"));
    await mkdir(join(root, "node_modules", "dep"), {recursive: true});
    await writeFile(join(root, "src", "app.ts"), "const greeting = \"hello\";\nconsole.log(greeting);\n");
    await writeFile(join(root, "src", "util.ts"), "export const twice = (n: number) => n * 2; // TODO: overflow\n");
    await writeFile(join(root, "README.md"), "# Demo\nTODO: write docs\n");
    await writeFile(join(root, "node_modules", "dep", "index.js"), "// TODO: never searched\n");
    await writeFile(join(root, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await writeFile(join(root, "big.txt"), Array.from({length: 1000}, (_, i) => `line ${i + 1}`).join("\n"));
    const env = new NodeToolEnvironment({paths: new WorkspacePaths([{name: "demo", path: root}]), signal: new AbortController().signal, ...options});
    return {root, env};
}

test("readFile returns the text with its line range; a range reads part of the file", async () => {
    const {env} = await workspace();
    const whole = await readFileTool.run({path: "src/app.ts", startLine: null, endLine: null}, env);
    assert.equal(whole.result, "src/app.ts (lines 1-2 of 2):\nconst greeting = \"hello\";\nconsole.log(greeting);");
    const part = await readFileTool.run({path: "big.txt", startLine: 10, endLine: 12}, env);
    assert.equal(part.result, "big.txt (lines 10-12 of 1000):\nline 10\nline 11\nline 12");
});

test("a file too large to read at once is truncated with a note that says how to read on", async () => {
    const {env} = await workspace();
    const out = await readFileTool.run({path: "big.txt", startLine: null, endLine: null}, env);
    const text = out.result as string;
    assert.match(text, /^big\.txt \(lines 1-250 of 1000\):/);
    assert.match(text, /\[Showing lines 1-250 of 1000 .* startLine 251 to read on\.\]$/);
    assert.match(out.summary, /truncated/);
    const tight = new NodeToolEnvironment({paths: env.paths, signal: env.signal, limits: {maxLines: 1000, maxChars: 100}});
    assert.match((await readFileTool.run({path: "big.txt", startLine: null, endLine: null}, tight)).result as string, /startLine 1[0-9] to read on/);
});

test("binary files, folders, missing files and bad ranges are refused with messages the model can act on", async () => {
    const {env} = await workspace();
    await assert.rejects(readFileTool.run({path: "logo.png", startLine: null, endLine: null}, env), /binary file/);
    await assert.rejects(readFileTool.run({path: "src", startLine: null, endLine: null}, env), /is a folder; use listDirectory/);
    await assert.rejects(readFileTool.run({path: "nope.txt", startLine: null, endLine: null}, env), /There is no file nope\.txt\. Use findFiles/);
    await assert.rejects(readFileTool.run({path: "src/app.ts", startLine: 50, endLine: null}, env), /has 2 lines/);
    await assert.rejects(readFileTool.run({path: "../etc/passwd", startLine: null, endLine: null}, env), ToolError);
});

test("listDirectory and findFiles show the workspace; dependency folders are not searched", async () => {
    const {env} = await workspace();
    assert.equal((await listDirectoryTool.run({path: "."}, env)).result, ".:\nnode_modules/\nsrc/\nbig.txt\nlogo.png\nREADME.md");
    await assert.rejects(listDirectoryTool.run({path: "README.md"}, env), /is a file, not a folder/);
    assert.equal((await findFilesTool.run({pattern: "**/*.ts"}, env)).result, "src/app.ts\nsrc/util.ts");
    assert.equal((await findFilesTool.run({pattern: "*.md"}, env)).result, "README.md");
    assert.match((await findFilesTool.run({pattern: "*.rs"}, env)).result as string, /No files match/);
    await assert.rejects(findFilesTool.run({pattern: "../**"}, env), /outside the workspace/);
});

test("searchText finds exact text with line numbers, optionally in matching files only", async () => {
    const {env} = await workspace();
    const all = (await searchTextTool.run({query: "TODO", include: null}, env)).result as string;
    assert.equal(all, "README.md:2: TODO: write docs\nsrc/util.ts:1: export const twice = (n: number) => n * 2; // TODO: overflow");
    const ts = (await searchTextTool.run({query: "TODO", include: "**/*.ts"}, env)).result as string;
    assert.equal(ts, "src/util.ts:1: export const twice = (n: number) => n * 2; // TODO: overflow");
    assert.match((await searchTextTool.run({query: "absent-text", include: null}, env)).result as string, /No matches/);
});

test("createFile and editFile write only when the change is accepted", async () => {
    const proposals: ProposedChange[] = [];
    let decision: "accepted" | "rejected" = "rejected";
    const {root, env} = await workspace({decideChange: async (change) => {
        proposals.push(change);
        return decision;
    }});
    const rejectedCreate = await createFileTool.run({path: "docs/new.md", content: "# New\n"}, env);
    assert.equal(rejectedCreate.status, "rejected");
    assert.match(rejectedCreate.result as string, /rejected .*nothing was written/);
    assert.equal(existsSync(join(root, "docs", "new.md")), false);
    const rejectedEdit = await editFileTool.run({path: "src/app.ts", find: "\"hello\"", replace: "\"bye\""}, env);
    assert.equal(rejectedEdit.status, "rejected");
    assert.match(await readFile(join(root, "src", "app.ts"), "utf8"), /"hello"/);

    decision = "accepted";
    assert.equal((await createFileTool.run({path: "docs/new.md", content: "# New\n"}, env)).result, "Created docs/new.md.");
    assert.equal(await readFile(join(root, "docs", "new.md"), "utf8"), "# New\n");
    assert.equal((await editFileTool.run({path: "src/app.ts", find: "\"hello\"", replace: "\"bye\""}, env)).result, "Edited src/app.ts.");
    assert.equal(await readFile(join(root, "src", "app.ts"), "utf8"), "const greeting = \"bye\";\nconsole.log(greeting);\n");
    assert.deepEqual(proposals.map((p) => [p.toolName, p.displayPath, p.before == null]),
        [["createFile", "docs/new.md", true], ["editFile", "src/app.ts", false], ["createFile", "docs/new.md", true], ["editFile", "src/app.ts", false]]);
});

test("edits that cannot apply are refused before anything is shown", async () => {
    let asked = 0;
    const {env} = await workspace({decideChange: async () => {
        asked++;
        return "accepted";
    }});
    await assert.rejects(editFileTool.run({path: "src/app.ts", find: "goodbye", replace: "x"}, env), /does not occur/);
    await assert.rejects(editFileTool.run({path: "src/app.ts", find: "greeting", replace: "x"}, env), /occurs 2 times/);
    await assert.rejects(editFileTool.run({path: "src/app.ts", find: "", replace: "x"}, env), /empty/);
    await assert.rejects(editFileTool.run({path: "missing.ts", find: "a", replace: "b"}, env), /does not exist\. Use createFile/);
    await assert.rejects(editFileTool.run({path: "logo.png", find: "PNG", replace: "JPG"}, env), /binary file/);
    await assert.rejects(createFileTool.run({path: "README.md", content: "x"}, env), /already exists\. Use editFile/);
    await assert.rejects(createFileTool.run({path: "../outside.txt", content: "x"}, env), /outside the workspace/);
    assert.equal(asked, 0);
});

test("runCommand refuses destructive commands without asking, and reports the user's no", async () => {
    const asked: string[] = [];
    const {root, env} = await workspace({runCommand: async (command, cwd) => {
        asked.push(`${cwd}: ${command}`);
        return command === "npm test" ? {ran: true, exitCode: 1, output: "1 failing"} : {ran: false};
    }});
    await assert.rejects(runCommandTool.run({command: "rm -rf /"}, env), /Refused: .*The command was not run\./);
    assert.deepEqual(asked, []);
    const declined = await runCommandTool.run({command: "make"}, env);
    assert.equal(declined.status, "rejected");
    assert.equal(declined.result, "The user chose not to run the command.");
    const ran = await runCommandTool.run({command: "npm test"}, env);
    assert.equal(ran.result, "The command exited with code 1.\nOutput:\n1 failing");
    assert.deepEqual(asked, [`${root}: make`, `${root}: npm test`]);
});

test("runCommand shows what makes a command dangerous, in words, and still asks for every command", async () => {
    const asked: Array<[string, readonly string[]]> = [];
    const {env} = await workspace({runCommand: async (command, _cwd, dangers) => {
        asked.push([command, dangers]);
        return {ran: false};
    }});
    await runCommandTool.run({command: "npm test\npython -c 'import os'"}, env);
    await runCommandTool.run({command: "echo x > ../outside.txt"}, env);
    await runCommandTool.run({command: "echo x > inside.txt"}, env);
    assert.deepEqual(asked, [
        ["npm test\npython -c 'import os'", ["runs code given on the command line (python -c)"]],
        ["echo x > ../outside.txt", ["writes to a file outside the workspace (> ../outside.txt)"]],
        ["echo x > inside.txt", []]
    ]);
});

const RIPGREP = join(__dirname, "..", "..", ".cache", "code-server", "node_modules", "code-server", "lib", "vscode", "node_modules", "@vscode", "ripgrep", "bin", "rg");

test("searchText through VS Code's ripgrep finds the same lines as the built-in search", {skip: existsSync(RIPGREP) ? false : "code-server's ripgrep is not installed (scripts/setup-e2e.sh)"}, async () => {
    const {env} = await workspace();
    const withRg = new NodeToolEnvironment({paths: env.paths, signal: env.signal, ripgrep: RIPGREP});
    for (const [query, include] of [["TODO", null], ["TODO", "**/*.ts"], ["console.log(greeting)", null]] as const)
        assert.equal((await searchTextTool.run({query, include}, withRg)).result, (await searchTextTool.run({query, include}, env)).result, `${query} in ${include}`);
});
