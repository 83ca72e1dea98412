import type {GgufEntry} from "./ggufValue";

export interface GgufTensorInfo {
    readonly name: string;
    readonly dims: readonly number[];
    readonly type: number;
    /** Offset from the start of the data section. */
    readonly offset: number;
    /** Undefined when the type is unknown to this release. */
    readonly byteSize: number | undefined;
}

export interface GgufHeader {
    readonly version: number;
    readonly metadata: ReadonlyMap<string, GgufEntry>;
    readonly tensors: readonly GgufTensorInfo[];
    readonly alignment: number;
    /** Absolute file offset of the tensor data section. */
    readonly dataOffset: number;
    readonly fileSize: number;
}
