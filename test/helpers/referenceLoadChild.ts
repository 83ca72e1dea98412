/**
 * A plain load with node-llama-cpp and nothing of QuantPilot's guard, in a child process: the
 * reference a guard's verdict is checked against. For each path its parent sends it loads the
 * model, creates a context, decodes one token and resolves the chat wrapper (rendering the
 * template as a chat would), reporting each stage before it starts so that a crash or a hang
 * is pinned to its stage.
 */
import type {Llama} from "node-llama-cpp";

type Stage = "load" | "context" | "decode" | "template";

let llama: Llama | undefined;
const errors: string[] = [];

function send(message: object): void {
    process.send?.(message);
}

async function backend(): Promise<Llama> {
    if (llama != null)
        return llama;
    const {getLlama, LlamaLogLevel} = await import("node-llama-cpp");
    llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.warn, progressLogs: false,
        logger: (level, message) => {
            if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
                errors.push(message.trim());
        }});
    return llama;
}

async function loadOne(path: string): Promise<void> {
    const {resolveChatWrapper} = await import("node-llama-cpp");
    let stage: Stage = "load";
    const enter = (next: Stage) => {
        stage = next;
        send({type: "stage", path, stage});
    };
    errors.length = 0;
    try {
        enter("load");
        const model = await (await backend()).loadModel({modelPath: path, gpuLayers: 0});
        try {
            enter("context");
            const context = await model.createContext({contextSize: 256, threads: 1, sequences: 1});
            enter("decode");
            await context.getSequence().evaluateWithoutGeneratingNewTokens([model.tokens.bos ?? model.tokenize("a")[0]!]);
            await context.dispose();
            enter("template");
            const wrapper = resolveChatWrapper(model);
            wrapper.generateContextState({chatHistory: [{type: "user", text: "Hi"}, {type: "model", response: []}]});
        } finally {
            await model.dispose();
        }
        send({type: "done", path, ok: true});
    } catch (err) {
        send({type: "done", path, ok: false, stage, error: `${(err as Error).message ?? err}`.split("\n")[0], log: errors.slice(-3)});
    }
}

process.on("message", (message: {path: string}) => {
    void loadOne(message.path);
});
send({type: "ready"});
