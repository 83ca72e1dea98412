import {basename} from "node:path";
import type {ProbeStage} from "./probeProtocol";

/** What the probe was doing, as the end of "… while ___". */
export function stageWords(stage: ProbeStage): string {
    switch (stage) {
        case "start": return "starting llama.cpp";
        case "load": return "loading it";
        case "context": return "creating its context";
        case "decode": return "evaluating its first token";
        case "tokenize": return "tokenizing text with it";
        case "template": return "rendering its chat template";
    }
}

/** A failure node-llama-cpp reported, with llama.cpp's own reason from its log where it gave one. */
export function failureReason(stage: ProbeStage, error: string, errorLogs: readonly string[]): string {
    const reason = llamaReason(errorLogs) ?? error;
    if (stage === "template")
        return `rendering its chat template failed: ${reason}`;
    return stage === "load" ? `llama.cpp refused it: ${reason}` : `llama.cpp failed while ${stageWords(stage)}: ${reason}`;
}

/** The process died: name the stage and what llama.cpp printed before it went (an assertion, an exception). */
export function crashReason(stage: ProbeStage, how: string, stderr: string): string {
    return `llama.cpp crashed while ${stageWords(stage)} (${abortDetail(stderr) ?? how})`;
}

/**
 * llama.cpp says "failed to load model" last and the reason a line or two before it
 * ("llama_model_load: error loading model: missing tensor 'blk.1.attn_q.weight'").
 */
export function llamaReason(errorLogs: readonly string[]): string | undefined {
    for (let i = errorLogs.length - 1; i >= 0; i--) {
        const line = errorLogs[i]!.trim();
        const match = /error loading model:\s*(.+)$/i.exec(line);
        if (match != null)
            return match[1]!.trim();
    }
    const generic = /failed to load model|^\s*$/i;
    const last = [...errorLogs].reverse().find((l) => !generic.test(l));
    return last?.replace(/^\w+:\s*/, "").trim();
}

/** "GGML_ASSERT(x) failed in llama-model.cpp", an uncaught C++ exception's what(), or ggml's "fatal error". */
function abortDetail(stderr: string): string | undefined {
    const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
    for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i]!;
        const located = /([^\s/\\]+\.(?:cpp|c|h)):\d+:\s*(.+)$/.exec(line);
        if (located != null && /GGML_ASSERT|fatal error|GGML_ABORT/.test(located[2]!))
            return `${located[2]!.trim()} in ${basename(located[1]!)}`;
        const what = /what\(\):\s*(.+)$/.exec(line);
        if (what != null)
            return `uncaught C++ exception: ${what[1]!.trim()}`;
        if (/JavaScript heap out of memory/.test(line))
            return "out of JavaScript heap memory";
    }
    return undefined;
}
