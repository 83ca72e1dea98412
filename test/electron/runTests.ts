/**
 * The @vscode/test-electron runner, for machines that can download VS Code desktop (a
 * developer laptop). CI here cannot download it and uses code-server instead (test/e2e).
 * Run: npm run test:electron
 */
import {mkdtemp, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {runTests} from "@vscode/test-electron";
import {makeGeneratedModel} from "../../src/gguf/generatedModel";
import {BundledLlamaSource} from "../../src/llamaSource/bundledSource";

async function main(): Promise<void> {
    const root = resolve(__dirname, "..", "..");
    const workspace = await mkdtemp(join(tmpdir(), "qp-electron-"));
    const model = join(workspace, "tiny.gguf");
    await makeGeneratedModel({outPath: model, source: new BundledLlamaSource(join(root, ".cache", "llama-src"))});
    await writeFile(join(workspace, "main.py"), "def add(a, b):\n    return a + b\n");
    await runTests({
        version: "1.100.3",
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, "out", "electron", "suite.js"),
        launchArgs: [workspace, "--disable-extensions", "--disable-workspace-trust"],
        extensionTestsEnv: {QUANTPILOT_TEST_MODEL: model}
    });
}

main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
