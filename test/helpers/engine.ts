import {LlamaRuntime} from "../../src/engine/llamaRuntime";
import {LocalCompleter} from "../../src/completion/localCompleter";
import {LocalEngine, type LoadOptions} from "../../src/engine/localEngine";
import {silentLogger, type Logger} from "../../src/util/logger";

/** Tests run on one CPU thread: deterministic, and fast on a 2-core machine. */
export const TEST_LOAD_OPTIONS: LoadOptions = {gpu: "cpu", threads: 1, contextSize: 1024};

let sharedRuntime: LlamaRuntime | undefined;

/** One llama.cpp backend for the whole test process, as in the extension host. */
export function testRuntime(log: Logger = silentLogger): LlamaRuntime {
    sharedRuntime ??= new LlamaRuntime(log);
    return sharedRuntime;
}

export function newTestEngine(log: Logger = silentLogger): LocalEngine {
    return new LocalEngine(testRuntime(log), log);
}

const completers = new WeakMap<LocalEngine, LocalCompleter>();

/** The completion pipeline over `engine`, one per engine (as the extension has one). */
export function completer(engine: LocalEngine): LocalCompleter {
    let found = completers.get(engine);
    if (found == null) {
        found = new LocalCompleter(engine);
        completers.set(engine, found);
    }
    return found;
}
