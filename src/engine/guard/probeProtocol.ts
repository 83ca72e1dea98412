import type {EngineBuildSetting, GpuSetting} from "../engineSettings";

/** The steps of a probe, in order; each is announced before it starts so a crash is pinned to it. */
export const PROBE_STAGES = ["start", "load", "context", "decode", "tokenize", "template"] as const;
export type ProbeStage = typeof PROBE_STAGES[number];

/** Given on the command line, so the child starts its backend before it knows the file. */
export interface ProbeBackend {
    readonly gpu: GpuSetting;
    readonly engineBuild: EngineBuildSetting;
}

/** Parent to child: probe this file (once; the child exits afterwards). */
export interface ProbeRequest {
    readonly type: "probe";
    readonly path: string;
    readonly threads: number;
    /** Resolve the chat wrapper and render the template; false when the host will not use it. */
    readonly renderTemplate: boolean;
}

/** Child to parent. */
export type ProbeMessage =
    | {readonly type: "ready"}
    | {readonly type: "stage"; readonly stage: ProbeStage}
    | {readonly type: "log"; readonly level: "error" | "warn"; readonly line: string}
    | {readonly type: "rss"; readonly bytes: number}
    | {readonly type: "done"; readonly chatWrapper: string | null; readonly templateProblem?: string}
    | {readonly type: "failed"; readonly stage: ProbeStage; readonly error: string};
