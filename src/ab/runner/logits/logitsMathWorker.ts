/**
 * A thread of the scoring child process's math pool (logitsMath.ts): runs the per-token
 * arithmetic of one slice of a window's positions on logits in shared memory.
 */
import {parentPort} from "node:worker_threads";
import {runMathTask, transferables, type MathTask} from "./logitsMath";

parentPort?.on("message", (task: MathTask) => {
    const result = runMathTask(task);
    parentPort!.postMessage(result, transferables(result));
});
