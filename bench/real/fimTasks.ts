import {readdirSync, readFileSync, statSync} from "node:fs";
import {join, relative} from "node:path";
import {SeededRandom} from "../../src/gguf/seededRandom";

/** One fill-in-the-middle task cut from a real source file. */
export interface FimTask {
    /** Source tree name and path inside it, e.g. "python3.11/json/decoder.py". */
    readonly file: string;
    /** Zero-based line of the cursor. */
    readonly line: number;
    readonly prefix: string;
    /** What was cut out: from the cursor to the end of the span's last line. */
    readonly middle: string;
    readonly suffix: string;
}

export interface SourceTree {
    readonly name: string;
    readonly root: string;
    /** Which files count: e.g. /\.py$/. */
    readonly pattern: RegExp;
}

export interface FimTaskOptions {
    readonly seed: number;
    readonly count: number;
    /** Whole lines above the cursor line given to both sides. Default 48. */
    readonly linesAbove?: number;
    /** Whole lines below the span given to both sides. Default 16. */
    readonly linesBelow?: number;
}

const MAX_FILE_BYTES = 400_000;
/** Span lengths in lines, drawn uniformly: mostly one line, as typing mostly asks for. */
const SPAN_LINES = [1, 1, 1, 2, 3];

/** Every matching file under the roots, sorted (so a seed picks the same files on the same machine). */
export function listSourceFiles(trees: readonly SourceTree[]): {tree: SourceTree; path: string}[] {
    const files: {tree: SourceTree; path: string}[] = [];
    for (const tree of trees) {
        const walk = (dir: string): void => {
            let entries: string[];
            try {
                entries = readdirSync(dir).sort();
            } catch {
                return;
            }
            for (const entry of entries) {
                const path = join(dir, entry);
                const stat = statSync(path, {throwIfNoEntry: false});
                if (stat?.isDirectory() === true && entry !== "__pycache__" && entry !== "site-packages")
                    walk(path);
                else if (stat?.isFile() === true && tree.pattern.test(entry) && stat.size <= MAX_FILE_BYTES && stat.size > 200)
                    files.push({tree, path});
            }
        };
        walk(tree.root);
    }
    return files;
}

/**
 * Tasks by a seeded random pick of a tree, a file in it, then of a line with code on it, a cursor (after the
 * indentation, or at a random column inside the line's code) and a span of 1-3 lines. Nothing is
 * chosen by looking at a model's answer.
 */
export function cutFimTasks(trees: readonly SourceTree[], options: FimTaskOptions): FimTask[] {
    // Each tree is drawn equally often, whatever its number of files (the stdlib has ~20x more).
    const byTree = trees.map((tree) => listSourceFiles([tree])).filter((files) => files.length > 0);
    if (byTree.length === 0)
        throw new Error(`no source files found under ${trees.map((t) => t.root).join(", ")}`);
    const random = new SeededRandom(options.seed, 0xf17);
    const tasks: FimTask[] = [];
    for (let attempt = 0; tasks.length < options.count && attempt < options.count * 50; attempt++) {
        const files = byTree[random.nextUint32() % byTree.length]!;
        const {tree, path} = files[random.nextUint32() % files.length]!;
        const task = cutOne(readFileSync(path, "utf8"), `${tree.name}/${relative(tree.root, path)}`, random, options);
        if (task != null)
            tasks.push(task);
    }
    return tasks;
}

function cutOne(text: string, file: string, random: SeededRandom, options: FimTaskOptions): FimTask | undefined {
    if (text.includes("\r") || text.includes("\0"))
        return undefined;
    const lines = text.split("\n");
    const line = random.nextUint32() % lines.length;
    const span = SPAN_LINES[random.nextUint32() % SPAN_LINES.length]!;
    const current = lines[line]!;
    const indent = /^[ \t]*/.exec(current)![0].length;
    const code = current.slice(indent);
    // A line with something to predict: at least a few word characters after the cursor.
    if (code.trim().length < 4 || line + span > lines.length)
        return undefined;
    const atIndent = random.nextUint32() % 2 === 0;
    const column = atIndent ? indent : indent + 1 + (random.nextUint32() % Math.max(1, code.length - 3));
    const spanLines = lines.slice(line, line + span);
    const middle = [current.slice(column), ...spanLines.slice(1)].join("\n");
    if ((middle.match(/[A-Za-z0-9_]/g) ?? []).length < 3)
        return undefined;
    const above = lines.slice(Math.max(0, line - (options.linesAbove ?? 48)), line);
    const below = lines.slice(line + span, line + span + (options.linesBelow ?? 16));
    return {
        file, line,
        prefix: [...above, current.slice(0, column)].join("\n"),
        middle,
        suffix: "\n" + below.join("\n")
    };
}
