/**
 * What extra context costs and what it buys: the same model on the same held-out lines of the
 * built-in A/B corpus's code, with the editor's repo-level FIM prompt without and with the extra
 * chunks the context ring would offer (default budget 1,024 tokens). Reports tokens added, time
 * per line (prompt from an empty KV cache, then the answer) and FIM exact match, paired, with 95 %
 * intervals.
 *
 *   npm run bench:promptBudget -- [--model PATH] [--n 24] [--threads 1] [--context-tokens 1024] [--rows FILE] [--json]
 *
 * --rows FILE appends each line's result to FILE as it is measured (JSON lines), and lines already
 * in FILE are not measured again: a run stopped early keeps what it measured, and the figure is
 * computed over the lines done.
 *
 * Model: --model, else Qwen2.5-Coder-0.5B from .cache/real-models/manifest.json when it is
 * there (real weights), else the generated coder-0.5b test model (random weights: the exact
 * match then says nothing, only the cost does). The last line with --json is one JSON object.
 */
import {appendFileSync, existsSync, readFileSync} from "node:fs";
import {loadavg, cpus} from "node:os";
import {join, basename} from "node:path";
import {parseArgs} from "node:util";
import {AB_CORPUS} from "../src/ab/corpus/abCorpus";
import {measureExtraContext, takesExtraContext} from "../src/ab/runner/extraContextPhase";
import {describeExtraContext, extraContextFigure, type ExtraContextRow} from "../src/ab/stats/extraContext";
import {ScoringModel} from "../src/ab/runner/scoringModel";
import {heldOutLines} from "../src/ab/stats/fimTask";
import {LlamaRuntime} from "../src/engine/llamaRuntime";
import {inspectModelFile} from "../src/engine/modelFile";
import {silentLogger} from "../src/util/logger";
import {CACHE_DIR} from "../test/helpers/paths";
import {testModel} from "../test/helpers/testModels";

const {values} = parseArgs({
    options: {
        model: {type: "string"},
        n: {type: "string", default: "24"},
        threads: {type: "string", default: "1"},
        "context-tokens": {type: "string", default: "1024"},
        seed: {type: "string", default: "1"},
        rows: {type: "string"},
        json: {type: "boolean", default: false}
    }
});

async function pickModel(): Promise<{path: string; weights: "real" | "generated" | "given"}> {
    if (values.model != null)
        return {path: values.model, weights: "given"};
    const manifest = join(CACHE_DIR, "real-models", "manifest.json");
    if (existsSync(manifest)) {
        const models = (JSON.parse(readFileSync(manifest, "utf8")) as {models: {id: string; path: string}[]}).models;
        const coder = models.find((m) => m.id.startsWith("qwen2.5-coder-0.5b"))?.path;
        if (coder != null && existsSync(coder))
            return {path: coder, weights: "real"};
    }
    return {path: await testModel("coder-0.5b"), weights: "generated"};
}

async function main(): Promise<void> {
const {path, weights} = await pickModel();
const runtime = new LlamaRuntime(silentLogger);
const llama = await runtime.get("cpu");
const facts = await inspectModelFile(path);
const model = await ScoringModel.load(llama, facts, {threads: Number(values.threads), contextSize: 4096});
try {
    if (!takesExtraContext(model))
        throw new Error(`${basename(path)} has no repo-level FIM tokens (<|repo_name|>, <|file_sep|>): it cannot take extra context.`);
    const code = AB_CORPUS.filter((d) => d.kind === "code").map((d) => ({name: d.name, text: d.text}));
    const items = heldOutLines(code, {count: Number(values.n), seed: Number(values.seed)});
    const load = loadavg()[0]!;
    const started = Date.now();
    const rowsFile = values.rows;
    const done: ExtraContextRow[] = rowsFile != null && existsSync(rowsFile)
        ? readFileSync(rowsFile, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as ExtraContextRow) : [];
    const todo = items.filter((item) => !done.some((r) => r.id === item.id));
    for (const item of todo) {
        const [row] = await measureExtraContext(model, [item], code, {contextTokens: Number(values["context-tokens"]), firstIndex: items.indexOf(item)});
        done.push(row!);
        if (rowsFile != null)
            appendFileSync(rowsFile, JSON.stringify(row) + "\n");
        process.stderr.write(`\r${done.length}/${items.length}`);
    }
    const rows = items.map((item) => done.find((r) => r.id === item.id)!);
    process.stderr.write("\n");
    const figure = extraContextFigure(rows);
    const result = {
        extraContext: {
            model: basename(path), weights, threads: Number(values.threads), contextTokens: Number(values["context-tokens"]),
            ...figure, machine: cpus()[0]?.model ?? "unknown", cores: cpus().length,
            loadAverage: {start: load, end: loadavg()[0]!}, date: new Date().toISOString(), wallSeconds: (Date.now() - started) / 1000
        }
    };
    console.log(describeExtraContext(figure));
    if (values.json === true)
        console.log(JSON.stringify(result));
} finally {
    await model.dispose();
    await runtime.dispose();
}
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
});
