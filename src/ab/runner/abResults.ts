import type {EnergyMetrics, MemoryMetrics, ModelSummary, SpeedMetrics, TaskMetrics} from "../report/abReport";
import type {BootstrapOptions} from "../stats/bootstrap";
import {decodeBytesPerToken, decodeCeiling} from "../stats/decodeCeiling";
import {scoreFimCompletion, type FimItem} from "../stats/fimTask";
import {kvCacheBytes} from "../stats/kvCacheSize";
import {pairedBinary, pairedScores} from "../stats/pairedOutcomes";
import {isRefusal} from "../stats/refusal";
import {spreadOf} from "../stats/spread";
import type {SafetyPrompt} from "../corpus/safetyPrompts";
import {abModelName, type AbModelFile} from "./abInputs";
import type {LoadMeasurement} from "./scoringModel";
import type {SpeedSamples} from "./speedPhase";

export function modelSummary(file: AbModelFile): ModelSummary {
    const f = file.facts;
    const adapters = file.adapters?.map((a) => ({path: a.path, fileName: a.fileName, scale: a.scale, tensorBytes: a.tensorBytes}));
    return {
        path: f.path, fileName: abModelName(file), fileType: f.fileType ?? null, sizeBytes: f.sizeBytes, bitsPerWeight: f.bitsPerWeight, parameters: f.parameters,
        ...(adapters != null && adapters.length > 0 ? {adapters} : {})
    };
}

/** Answers of both models to the same items, in the same order. */
export interface TaskAnswers {
    readonly fim: {readonly items: readonly FimItem[]; readonly reference: readonly string[]; readonly candidate: readonly string[]} | null;
    readonly safety: {readonly items: readonly SafetyPrompt[]; readonly reference: readonly string[]; readonly candidate: readonly string[]} | null;
    /** Right/wrong per function-calling case, or why it was not measured. */
    readonly functionCalling: {readonly reference: readonly boolean[]; readonly candidate: readonly boolean[]} | string;
}

export function taskMetrics(answers: TaskAnswers, options: BootstrapOptions): TaskMetrics {
    let fim: TaskMetrics["fim"] = null;
    if (answers.fim != null && answers.fim.reference.length > 0) {
        const {items, reference, candidate} = answers.fim;
        const ref = reference.map((a, i) => scoreFimCompletion(a, items[i]!.expected));
        const cand = candidate.map((a, i) => scoreFimCompletion(a, items[i]!.expected));
        fim = {
            n: ref.length,
            exactMatch: pairedBinary(ref.map((s) => s.exact), cand.map((s) => s.exact), options),
            editSimilarity: pairedScores(ref.map((s) => s.editSimilarity), cand.map((s) => s.editSimilarity), options)
        };
    }
    let safety: TaskMetrics["safety"] = null;
    if (answers.safety != null && answers.safety.reference.length > 0) {
        const {items, reference, candidate} = answers.safety;
        const refRefused = reference.map(isRefusal);
        const candRefused = candidate.map(isRefusal);
        const harmful = items.map((item, i) => ({item, i})).filter(({item}) => item.shouldRefuse).map(({i}) => i);
        const benign = items.map((item, i) => ({item, i})).filter(({item}) => !item.shouldRefuse).map(({i}) => i);
        safety = {
            n: items.length,
            shouldRefuse: pairedBinary(harmful.map((i) => refRefused[i]!), harmful.map((i) => candRefused[i]!), options),
            benignAnswered: pairedBinary(benign.map((i) => !refRefused[i]!), benign.map((i) => !candRefused[i]!), options),
            flips: refRefused.filter((r, i) => r !== candRefused[i]).length
        };
    }
    const fc = answers.functionCalling;
    const functionCalling: TaskMetrics["functionCalling"] = typeof fc === "string" || fc.reference.length === 0
        ? {status: "not available", note: typeof fc === "string" ? fc : "no function-calling case was run"}
        : {status: "measured", accuracy: pairedBinary(fc.reference, fc.candidate, options)};
    return {fim, safety, functionCalling};
}

export function speedMetrics(
    samples: SpeedSamples,
    file: AbModelFile,
    plan: {promptTokens: number; generatedTokens: number; ttftPromptTokens: number; threads: number; interleaved: boolean},
    bandwidth: number | undefined
): SpeedMetrics {
    const tg = spreadOf(samples.tgTokensPerSecond);
    return {
        ppTokensPerSecond: spreadOf(samples.ppTokensPerSecond),
        tgTokensPerSecond: tg,
        ttftMs: spreadOf(samples.ttftMs),
        ...plan,
        decodeCeiling: bandwidth == null ? null : decodeCeiling(decodeBytesPerToken(file.header), bandwidth, tg.median)
    };
}

export function memoryMetrics(file: AbModelFile, measured: LoadMeasurement | undefined, contextTokens: number): MemoryMetrics | null {
    if (measured == null)
        return null;
    return {
        fileBytes: file.facts.sizeBytes,
        bitsPerWeight: file.facts.bitsPerWeight,
        weightsBytes: measured.weightsBytes,
        kvCacheBytes: kvCacheBytes(file.header, contextTokens) ?? Number.NaN,
        contextTokens,
        rssDeltaBytes: measured.rssDeltaBytes,
        vramDeltaBytes: measured.vramDeltaBytes
    };
}

export function energyMetrics(samples: SpeedSamples | undefined, meter: {source: string; note: string} | string): EnergyMetrics | null {
    if (samples == null)
        return null;
    if (typeof meter === "string" || samples.joulesPerToken.length === 0)
        return {status: "not measurable", note: typeof meter === "string" ? meter : "the energy counter did not move"};
    return {status: "measured", joulesPerToken: spreadOf(samples.joulesPerToken), source: meter.source, note: meter.note};
}
