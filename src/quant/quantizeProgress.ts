import type {GgufTensorInfo} from "../gguf/ggufReader";
import {parseTensorLine} from "./quantizeLog";

/**
 * Turns llama.cpp's per-tensor log lines into a 0..1 fraction weighted by each tensor's element
 * count: quantization time follows elements closely, tensor counts do not (a 150k-row token
 * embedding takes as long as dozens of norms and biases).
 */
export class QuantizeProgress {
    private readonly elements = new Map<string, number>();
    private readonly total: number;
    private done = 0;
    private current: string | undefined;
    private reported = 0;

    constructor(tensors: readonly GgufTensorInfo[]) {
        for (const tensor of tensors)
            this.elements.set(tensor.name, tensor.dims.reduce((a, b) => a * b, 1));
        this.total = [...this.elements.values()].reduce((a, b) => a + b, 0);
    }

    /** The new fraction when `line` starts a tensor and moves progress forward, else undefined. */
    onLine(line: string): number | undefined {
        const parsed = parseTensorLine(line);
        if (parsed == null || this.total === 0)
            return undefined;
        // A tensor's line is printed when work on it starts, so the one before it is now done.
        if (this.current != null)
            this.done += this.elements.get(this.current) ?? 0;
        this.current = parsed.name;
        const fraction = Math.min(1, this.done / this.total);
        if (fraction <= this.reported)
            return undefined;
        this.reported = fraction;
        return fraction;
    }
}
