import {test} from "node:test";
import assert from "node:assert/strict";
import {GuardGates} from "../../src/engine/guard/guardGates";
import type {GuardedModelFile, GuardOptions} from "../../src/engine/guard/guardModelFile";
import {ModelRejectedError} from "../../src/engine/guard/modelRejectedError";

const FACTS = {path: "/models/a.gguf", fileName: "a.gguf", verdictSource: "probe"} as unknown as GuardedModelFile;

/** A guard the test drives by hand: what the probe has gone through, and when the verdict comes. */
function manualGuard() {
    let options: GuardOptions | undefined;
    let settle: {resolve: (facts: GuardedModelFile) => void; reject: (err: Error) => void} | undefined;
    const check = (_path: string, given: GuardOptions) => {
        options = given;
        return new Promise<GuardedModelFile>((resolve, reject) => settle = {resolve, reject});
    };
    return {check, prove: (step: "weights" | "context") => options!.onProven!(step, FACTS), settle: () => settle!};
}

/** "open", "rejected" or "waiting", once every callback already queued has run. */
async function stateOf(promise: Promise<unknown>): Promise<string> {
    const waiting = Symbol("waiting");
    const result = await Promise.race([promise.then(() => "open", () => "rejected"), new Promise((resolve) => setImmediate(() => resolve(waiting)))]);
    return result === waiting ? "waiting" : result as string;
}

test("each gate opens only once the probe has gone through that step, the verdict last", async () => {
    const guard = manualGuard();
    const gates = new GuardGates(guard.check, FACTS.path, {});
    assert.deepEqual([await stateOf(gates.weights), await stateOf(gates.context), await stateOf(gates.verdict)], ["waiting", "waiting", "waiting"]);
    guard.prove("weights");
    assert.deepEqual([await stateOf(gates.weights), await stateOf(gates.context), await stateOf(gates.verdict)], ["open", "waiting", "waiting"]);
    assert.equal(await gates.weights, FACTS);
    guard.prove("context");
    assert.deepEqual([await stateOf(gates.context), await stateOf(gates.verdict)], ["open", "waiting"]);
    guard.settle().resolve(FACTS);
    assert.equal(await stateOf(gates.verdict), "open");
});

test("a file refused while the host loads closes the gates not yet passed with the guard's reason", async () => {
    const guard = manualGuard();
    const gates = new GuardGates(guard.check, FACTS.path, {});
    guard.prove("weights");
    guard.settle().reject(new ModelRejectedError(FACTS.path, "llama.cpp aborted while decoding"));
    await assert.rejects(gates.context, /aborted while decoding/);
    await assert.rejects(gates.verdict, ModelRejectedError);
    assert.equal(await stateOf(gates.weights), "open");
});

test("a verdict without a probe (a remembered file) opens every gate", async () => {
    const guard = manualGuard();
    const gates = new GuardGates(guard.check, FACTS.path, {});
    guard.settle().resolve(FACTS);
    assert.deepEqual([await stateOf(gates.weights), await stateOf(gates.context)], ["open", "open"]);
});
