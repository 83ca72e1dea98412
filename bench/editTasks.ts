/**
 * Assistant edit tasks generated from this repository's own source files: rewrite a function,
 * rename a function everywhere in it, add a parameter. Functions are picked with a seed, so the
 * same seed gives the same tasks on every machine with the same sources.
 *
 * What the assistant writes for an edit is the new code itself (editFile's `replace`, createFile's
 * `content`), so a task's answer is the whole rewritten function: functions are taken whole, of
 * 600 to 2400 characters (about 160 to 650 tokens), and `answerPrefix` opens the code block the
 * answer is written in, standing in for the tool call's opening that comes before the code.
 */
import {readdir, readFile} from "node:fs/promises";
import {join, relative} from "node:path";
import {SeededRandom} from "../src/gguf/seededRandom";

export type EditKind = "rewrite" | "rename" | "addParameter";

export interface EditTask {
    readonly kind: EditKind;
    readonly file: string;
    readonly functionName: string;
    /** The user's message: the instruction and the code. */
    readonly message: string;
    /** The start of the assistant's answer, after which it writes the code. */
    readonly answerPrefix: string;
}

const KINDS: readonly EditKind[] = ["rewrite", "rename", "addParameter"];
/** Long enough that the answer is mostly code to copy (160+ tokens), short enough to fit a context. */
const MIN_CHARS = 600;
const MAX_CHARS = 2400;

interface SourceFunction {
    readonly file: string;
    readonly name: string;
    readonly code: string;
}

export async function generateEditTasks(root: string, count: number, seed: number): Promise<EditTask[]> {
    const functions = await topLevelFunctions(root);
    const random = new SeededRandom(seed);
    const picked = new Set<number>();
    const tasks: EditTask[] = [];
    while (tasks.length < count && picked.size < functions.length) {
        const index = random.nextUint32() % functions.length;
        if (picked.has(index))
            continue;
        picked.add(index);
        tasks.push(editTask(functions[index]!, KINDS[tasks.length % KINDS.length]!));
    }
    return tasks;
}

function editTask(source: SourceFunction, kind: EditKind): EditTask {
    const code = "```ts\n" + source.code + "\n```";
    const instruction = {
        rewrite: `Rewrite the function \`${source.name}\` so it is easier to read, keeping its behaviour and signature.`,
        rename: `Rename \`${source.name}\` to \`${source.name}Renamed\` everywhere in this code.`,
        addParameter: `Add a last parameter \`verbose = false\` to \`${source.name}\`, leaving the body as it is.`
    }[kind];
    return {
        kind, file: source.file, functionName: source.name,
        message: `${instruction} Reply with the whole code only.\n\n${code}`,
        answerPrefix: "```ts\n"
    };
}

async function topLevelFunctions(root: string): Promise<SourceFunction[]> {
    const found: SourceFunction[] = [];
    for (const path of (await sourceFiles(join(root, "src"))).sort()) {
        const lines = (await readFile(path, "utf8")).split("\n");
        for (let start = 0; start < lines.length; start++) {
            const name = /^(?:export )?(?:async )?function (\w+)/.exec(lines[start]!)?.[1];
            if (name == null)
                continue;
            const end = lines.indexOf("}", start);
            const code = end < 0 ? "" : lines.slice(start, end + 1).join("\n");
            if (code.length >= MIN_CHARS && code.length <= MAX_CHARS)
                found.push({file: relative(root, path), name, code});
        }
    }
    return found;
}

async function sourceFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, {withFileTypes: true});
    const nested = await Promise.all(entries.map((e) =>
        e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith(".ts") ? [join(dir, e.name)] : [])));
    return nested.flat();
}
