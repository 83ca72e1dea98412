import {test} from "node:test";
import assert from "node:assert/strict";
import {chooseThreads} from "../../src/threads/cpuCores";
import {buildFimPrompt} from "../../src/completion/fimPrompt";
import {cursorContext} from "../../src/completion/documentContext";
import {DEFAULT_TEXT_WINDOW} from "../../src/completion/cursorText";
import {formatBytes} from "../../src/util/format";
import {SerialQueue} from "../../src/util/serialQueue";
import {parseCommandArgs, integerOption, UsageError, type CliCommand} from "../../src/cli/cliCommand";

test("threads default to physical cores, and bad or excessive values are corrected with a reason", () => {
    assert.deepEqual(chooseThreads(undefined, 4), {threads: 4, reason: "4 physical cores"});
    assert.deepEqual(chooseThreads(0, 2), {threads: 2, reason: "2 physical cores"});
    assert.equal(chooseThreads(1, 8).threads, 1);
    assert.match(chooseThreads(-3, 2).reason, /ignored invalid thread count -3/);
    assert.equal(chooseThreads(-3, 2).threads, 2);
    assert.match(chooseThreads(64, 2).reason, /clamped 64 to the 2 physical cores/);
});

test("the FIM prompt is prefix-suffix-middle with the model's tokens", () => {
    const fim = {prefix: 100, suffix: 101, middle: 102};
    assert.deepEqual(buildFimPrompt({context: [], stable: [1, 2], volatile: [3], suffix: [4, 5]}, fim, "psm").tokens,
        [100, 1, 2, 3, 101, 4, 5, 102]);
    assert.deepEqual(buildFimPrompt({context: [], stable: [1, 2], volatile: [3], suffix: [4, 5]}, {...fim, bos: 7}, "psm").tokens,
        [7, 100, 1, 2, 3, 101, 4, 5, 102]);
});

test("the cursor context takes whole lines within budget and cuts huge lines", () => {
    const lines = ["a", "b", "cXd", "e", "f"];
    const doc = {lineCount: lines.length, lineAt: (i: number) => ({text: lines[i]!})};
    const window = {...DEFAULT_TEXT_WINDOW, linesAbove: 1, linesBelow: 1, maxVolatileLines: 0, maxLineChars: 100};
    assert.deepEqual(cursorContext(doc, 2, 1), {prefix: "a\nb\nc", suffix: "Xd\ne\nf"});
    assert.deepEqual(cursorContext(doc, 2, 1, window), {prefix: "b\nc", suffix: "Xd\ne"});
    const huge = {lineCount: 1, lineAt: () => ({text: "x".repeat(10_000)})};
    const context = cursorContext(huge, 0, 9000, {...window, maxLineChars: 50});
    assert.equal(context.prefix.length, 50);
    assert.equal(context.suffix.length, 50);
});

test("bytes are formatted the way people read them", () => {
    assert.equal(formatBytes(512), "512 B");
    assert.equal(formatBytes(1536), "1.50 KB");
    assert.equal(formatBytes(3.5 * 2 ** 30), "3.50 GB");
});

test("the serial queue runs jobs one at a time and survives failures", async () => {
    const queue = new SerialQueue();
    const order: string[] = [];
    let finishSlow!: () => void;
    const slowMayFinish = new Promise<void>((resolve) => finishSlow = resolve);
    const slow = queue.run(async () => {
        await slowMayFinish;
        order.push("slow");
    });
    const failing = queue.run(async () => {
        order.push("failing");
        throw new Error("boom");
    });
    const after = queue.run(async () => order.push("after"));
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(order, [], "the jobs queued behind a running one wait for it");
    finishSlow();
    await slow;
    await assert.rejects(failing, /boom/);
    await after;
    assert.deepEqual(order, ["slow", "failing", "after"]);
});

test("CLI options are parsed strictly and integers are range-checked", () => {
    const command: CliCommand = {
        name: "demo", summary: "", help: "", positionals: true,
        options: {count: {type: "string"}, json: {type: "boolean"}},
        run: async () => undefined
    };
    const args = parseCommandArgs(command, ["file.gguf", "--count", "3", "--json"]);
    assert.deepEqual(args.positionals, ["file.gguf"]);
    assert.equal(integerOption(args, "count", 1, 10), 3);
    assert.throws(() => parseCommandArgs(command, ["--nope"]), (e: Error) => e instanceof UsageError && /'quantpilot demo --help'/.test(e.message));
    const bad = parseCommandArgs(command, ["--count=-2"]);
    assert.throws(() => integerOption(bad, "count", 1, 10), /--count must be a whole number from 1 to 10, not "-2"/);
    const text = parseCommandArgs(command, ["--count", "2.5"]);
    assert.throws(() => integerOption(text, "count", 1, 10), /not "2.5"/);
});
