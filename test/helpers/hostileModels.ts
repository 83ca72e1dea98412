import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {tensorByteSize} from "../../src/gguf/ggmlTypes";
import {GgufValueType, i32Array, str, stringArray, u32, type GgufEntry} from "../../src/gguf/ggufValue";
import {assemble, encodeGguf, rawArray, rawClaim, readModelParts, type ModelParts, type RawGguf} from "./ggufAssembly";
import {testModel} from "./testModels";

/** The kinds of damage in the corpus, as the hostile-input issue lists them. */
export type HostileClass = "header" | "truncated" | "layout" | "hyperparameters" | "tensors" | "tokenizer" | "template" | "huge";

export interface HostileCase {
    readonly name: string;
    readonly kind: HostileClass;
    readonly build: (base: Bases) => Buffer;
}

export interface HostileFile {
    readonly name: string;
    readonly kind: HostileClass;
    readonly path: string;
}

/** The valid generated models every case starts from. */
export interface Bases {
    /** The `tiny` preset: qwen2, byte-level BPE, FIM tokens, Qwen chat template. */
    readonly qwen: ModelParts;
    /** The `llama-spm` preset: llama, SentencePiece, no template. */
    readonly spm: ModelParts;
    /** `qwen` as a well-formed file. */
    readonly qwenBytes: Buffer;
}

const ARCH = "qwen2";

/**
 * Writes the corpus of malformed model files into `dir`, each derived from a valid generated
 * model at test time (nothing is committed). `hugeHeaderBytes` sizes the one huge array (default 50 MB, as in the hostile-input report).
 */
export async function writeHostileCorpus(dir: string, options: {hugeHeaderBytes?: number; only?: readonly string[]} = {}): Promise<HostileFile[]> {
    await mkdir(dir, {recursive: true});
    const qwenPath = await testModel("tiny");
    const bases: Bases = {
        qwen: await readModelParts(qwenPath),
        spm: await readModelParts(await testModel("llama-spm")),
        qwenBytes: encodeGguf(assemble(await readModelParts(qwenPath)))
    };
    const files: HostileFile[] = [];
    for (const c of hostileCases(options.hugeHeaderBytes ?? 50 << 20).filter((c) => options.only?.includes(c.name) ?? true)) {
        const path = join(dir, `${c.name}.gguf`);
        await writeFile(path, c.build(bases));
        files.push({name: c.name, kind: c.kind, path});
    }
    return files;
}

function setKv(parts: ModelParts, key: string, entry: GgufEntry | undefined): ModelParts {
    const kvs = parts.kvs.filter(([k]) => k !== key);
    const index = parts.kvs.findIndex(([k]) => k === key);
    if (entry != null)
        kvs.splice(index >= 0 ? index : kvs.length, 0, [key, entry]);
    return {...parts, kvs};
}

function file(parts: ModelParts, change: (raw: RawGguf) => RawGguf = (r) => r): Buffer {
    return encodeGguf(change(assemble(parts)));
}

function tokensOf(parts: ModelParts): string[] {
    return [...(parts.kvs.find(([k]) => k === "tokenizer.ggml.tokens")![1].value as string[])];
}

function withTokens(parts: ModelParts, change: (tokens: string[]) => void): ModelParts {
    const tokens = tokensOf(parts);
    change(tokens);
    return setKv(parts, "tokenizer.ggml.tokens", stringArray(tokens));
}

function withTokenTypes(parts: ModelParts, change: (types: number[]) => void): ModelParts {
    const types = [...(parts.kvs.find(([k]) => k === "tokenizer.ggml.token_type")![1].value as number[])];
    change(types);
    return setKv(parts, "tokenizer.ggml.token_type", i32Array(types));
}

function withoutTensor(parts: ModelParts, name: string): ModelParts {
    return {...parts, tensors: parts.tensors.filter((t) => t.name !== name)};
}

function withTemplate(parts: ModelParts, template: string): ModelParts {
    return setKv(parts, "tokenizer.chat_template", str(template));
}

function resized(data: Buffer, size: number): Buffer {
    const out = Buffer.alloc(size);
    data.copy(out, 0, 0, Math.min(size, data.length));
    return out;
}

function truncatedAt(bytes: Buffer, fraction: number): Buffer {
    return bytes.subarray(0, Math.floor(bytes.length * fraction));
}

function nested(depth: number, open: string, middle: string, close: string): string {
    return open.repeat(depth) + middle + close.repeat(depth);
}

function headerEnd(bytes: Buffer): number {
    // The data section of the tiny model starts after its header, at a 32-byte boundary; the
    // last tensor description ends a little before it.
    return bytes.indexOf(Buffer.from("output.weight")) + 32;
}

export function hostileCases(hugeHeaderBytes: number): HostileCase[] {
    return [
        ...headerCases(),
        ...truncationCases(),
        ...layoutCases(),
        ...hyperparameterCases(),
        ...tensorCases(),
        ...tokenizerCases(),
        ...templateCases(),
        ...hugeCases(hugeHeaderBytes)
    ];
}

function headerCases(): HostileCase[] {
    return [
        {name: "bad-magic", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, magic: 0x58554747}))},
        {name: "text-file", kind: "header", build: () => Buffer.from("This is not a model, just some text in a .gguf file.\n")},
        {name: "empty-file", kind: "header", build: () => Buffer.alloc(0)},
        {name: "three-bytes", kind: "header", build: () => Buffer.from("GGU")},
        {name: "version-1", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, version: 1}))},
        {name: "version-99", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, version: 99}))},
        {name: "tensor-count-absurd", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, tensorCount: 2 ** 40}))},
        {name: "kv-count-absurd", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvCount: 2 ** 50}))},
        {name: "kv-count-one-short", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvCount: r.kvs.length - 1}))},
        {name: "duplicate-key", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: `${ARCH}.block_count`, entry: u32(2)}]}))},
        {name: "empty-key", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: "", entry: u32(1)}]}))},
        {name: "unknown-value-type", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: "junk.odd", raw: Buffer.from([13, 0, 0, 0, 1, 2, 3, 4])}]}))},
        {name: "nested-array", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: "junk.nested", raw: rawArray(GgufValueType.Array, 1, Buffer.alloc(16))}]}))},
        {name: "alignment-not-power-of-two", kind: "header", build: (b) => file(setKv(b.qwen, "general.alignment", u32(48)))},
        {name: "alignment-zero", kind: "header", build: (b) => file(setKv(b.qwen, "general.alignment", u32(0)))},
        {name: "alignment-as-string", kind: "header", build: (b) => file(setKv(b.qwen, "general.alignment", str("32")))},
        {name: "array-count-past-eof", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: "junk.claim", raw: rawClaim(GgufValueType.Array, 2 ** 50)}]}))},
        {name: "string-length-past-eof", kind: "header", build: (b) => file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: "junk.text", raw: rawClaim(GgufValueType.String, 2 ** 40)}]}))}
    ];
}

function truncationCases(): HostileCase[] {
    const fixed = [8, 16, 24, 40, 200, 2000];
    const fractions = [0.2, 0.45, 0.7, 0.95, 0.999];
    return [
        ...fixed.map((n): HostileCase => ({name: `truncated-at-${n}`, kind: "truncated", build: (b) => b.qwenBytes.subarray(0, n)})),
        {name: "truncated-in-tensor-table", kind: "truncated", build: (b) => b.qwenBytes.subarray(0, headerEnd(b.qwenBytes) - 40)},
        {name: "truncated-at-data-start", kind: "truncated", build: (b) => b.qwenBytes.subarray(0, headerEnd(b.qwenBytes) + 24)},
        ...fractions.map((f): HostileCase => ({name: `truncated-at-${Math.round(f * 1000) / 10}pct`, kind: "truncated", build: (b) => truncatedAt(b.qwenBytes, f)})),
        {name: "one-byte-short", kind: "truncated", build: (b) => b.qwenBytes.subarray(0, b.qwenBytes.length - 1)}
    ];
}

function layoutCases(): HostileCase[] {
    return [
        {name: "tensor-offset-past-eof", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === r.tensors.length - 1 ? {...t, offset: t.offset + (1 << 24)} : t)}))},
        {name: "tensor-offset-misaligned", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === 3 ? {...t, offset: t.offset + 2} : t)}))},
        {name: "tensors-out-of-order", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: [r.tensors[1]!, r.tensors[0]!, ...r.tensors.slice(2)]}))},
        {name: "data-section-unpadded", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, alignment: 1}))},
        {name: "duplicate-tensor", kind: "layout", build: (b) => file({...b.qwen, tensors: [...b.qwen.tensors, b.qwen.tensors[1]!]})},
        {name: "unknown-tensor-type", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === 2 ? {...t, type: 99} : t)}))},
        {name: "row-not-whole-blocks", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === 2 ? {...t, dims: [48, 64], type: 8} : t)}))},
        {name: "tensor-five-dims", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === 1 ? {...t, dims: [64, 1, 1, 1, 1]} : t)}))},
        {name: "tensor-name-too-long", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === 1 ? {...t, name: "blk.0." + "x".repeat(70)} : t)}))},
        {name: "tensor-dim-absurd", kind: "layout", build: (b) => file(b.qwen, (r) => ({...r, tensors: r.tensors.map((t, i) => i === 2 ? {...t, dims: [64, 2 ** 40]} : t)}))},
        {name: "no-tensors", kind: "layout", build: (b) => file({...b.qwen, tensors: []})}
    ];
}

function hyperparameterCases(): HostileCase[] {
    const k = (name: string) => `${ARCH}.${name}`;
    const one = (name: string, key: string, entry: GgufEntry | undefined): HostileCase =>
        ({name, kind: "hyperparameters", build: (b) => file(setKv(b.qwen, k(key), entry))});
    return [
        one("head-count-zero", "attention.head_count", u32(0)),
        one("head-count-kv-zero", "attention.head_count_kv", u32(0)),
        one("embedding-length-zero", "embedding_length", u32(0)),
        one("block-count-zero", "block_count", u32(0)),
        one("block-count-absurd", "block_count", u32(1_000_000_000)),
        one("block-count-513", "block_count", u32(513)),
        one("block-count-more-than-tensors", "block_count", u32(3)),
        one("block-count-fewer-than-tensors", "block_count", u32(1)),
        one("block-count-missing", "block_count", undefined),
        one("block-count-as-string", "block_count", str("2")),
        one("embedding-length-missing", "embedding_length", undefined),
        one("embedding-length-mismatch", "embedding_length", u32(128)),
        one("head-count-not-dividing", "attention.head_count", u32(3)),
        one("head-count-kv-not-dividing", "attention.head_count_kv", u32(3)),
        one("head-count-kv-above-heads", "attention.head_count_kv", u32(8)),
        one("head-count-per-layer-with-zero", "attention.head_count", i32Array([4, 0])),
        one("context-length-zero", "context_length", u32(0)),
        one("context-length-absurd", "context_length", u32(0xffffffff)),
        one("feed-forward-zero", "feed_forward_length", u32(0)),
        one("expert-count-absurd", "expert_count", u32(100_000)),
        one("expert-used-without-experts", "expert_used_count", u32(4)),
        one("rope-scaling-unknown", "rope.scaling.type", str("sideways")),
        {name: "architecture-unknown", kind: "hyperparameters", build: (b) => file(setKv(b.qwen, "general.architecture", str("qwen99")))},
        {name: "architecture-missing", kind: "hyperparameters", build: (b) => file(setKv(b.qwen, "general.architecture", undefined))}
    ];
}

function tensorCases(): HostileCase[] {
    const reshaped = (name: string, tensor: string, dims: number[]): HostileCase => ({name, kind: "tensors", build: (b) => file({
        ...b.qwen,
        tensors: b.qwen.tensors.map((t) => t.name === tensor ? {...t, dims, data: resized(t.data, tensorByteSize(t.type, dims)!)} : t)
    })});
    return [
        {name: "missing-block-tensor", kind: "tensors", build: (b) => file(withoutTensor(b.qwen, "blk.1.attn_q.weight"))},
        {name: "missing-token-embd", kind: "tensors", build: (b) => file(withoutTensor(b.qwen, "token_embd.weight"))},
        {name: "missing-output-norm", kind: "tensors", build: (b) => file(withoutTensor(b.qwen, "output_norm.weight"))},
        {name: "missing-whole-block", kind: "tensors", build: (b) => file({...b.qwen, tensors: b.qwen.tensors.filter((t) => !t.name.startsWith("blk.1."))})},
        reshaped("ffn-up-transposed", "blk.0.ffn_up.weight", [128, 64]),
        reshaped("attn-q-narrow", "blk.0.attn_q.weight", [32, 128]),
        reshaped("token-embd-wrong-vocab", "token_embd.weight", [64, 300]),
        reshaped("norm-wrong-length", "blk.1.attn_norm.weight", [32, 2])
    ];
}

function tokenizerCases(): HostileCase[] {
    const one = (name: string, build: (b: Bases) => Buffer): HostileCase => ({name, kind: "tokenizer", build});
    return [
        one("tokenizer-model-none", (b) => file(setKv(b.qwen, "tokenizer.ggml.model", str("none")))),
        one("tokenizer-model-no-vocab", (b) => file(setKv(b.qwen, "tokenizer.ggml.model", str("no_vocab")))),
        one("tokenizer-model-unknown", (b) => file(setKv(b.qwen, "tokenizer.ggml.model", str("sentencepiece2")))),
        one("tokenizer-pre-unknown", (b) => file(setKv(b.qwen, "tokenizer.ggml.pre", str("my-pre")))),
        one("bert-with-byte-token", (b) => file(withTokenTypes(setKv(b.qwen, "tokenizer.ggml.model", str("bert")), (t) => { t[65] = 6; }))),
        one("bert-without-byte-token", (b) => file(setKv(b.qwen, "tokenizer.ggml.model", str("bert")))),
        one("empty-token", (b) => file(withTokens(b.qwen, (t) => { t[300] = ""; }))),
        one("two-empty-tokens", (b) => file(withTokens(b.qwen, (t) => { t[300] = ""; t[301] = ""; }))),
        one("empty-token-clash", (b) => file(withTokens(b.qwen, (t) => { t[300] = ""; t[301] = "[EMPTY_300]"; }))),
        one("duplicate-token", (b) => file(withTokens(b.qwen, (t) => { t[301] = t[300]!; }))),
        one("tokens-not-strings", (b) => file(setKv(b.qwen, "tokenizer.ggml.tokens", i32Array(tokensOf(b.qwen).map((_, i) => i))))),
        one("tokens-missing", (b) => file(setKv(b.qwen, "tokenizer.ggml.tokens", undefined))),
        one("token-types-too-short", (b) => file(withTokenTypes(b.qwen, (t) => t.splice(10)))),
        one("token-types-as-strings", (b) => file(setKv(b.qwen, "tokenizer.ggml.token_type", stringArray(tokensOf(b.qwen))))),
        one("scores-too-short", (b) => file(setKv(b.spm, "tokenizer.ggml.scores", {type: GgufValueType.Array, itemType: GgufValueType.Float32, value: [0, 0, 0]}))),
        one("merges-missing", (b) => file(setKv(b.qwen, "tokenizer.ggml.merges", undefined))),
        one("merges-without-space", (b) => file(setKv(b.qwen, "tokenizer.ggml.merges", stringArray(["abc", "", "x"])))),
        one("eos-id-past-vocab", (b) => file(setKv(b.qwen, "tokenizer.ggml.eos_token_id", u32(5000)))),
        one("fim-id-past-vocab", (b) => file(setKv(b.qwen, "tokenizer.ggml.fim_pre_token_id", u32(100_000)))),
        one("spm-byte-token-too-short", (b) => file(withTokens(b.spm, (t) => { t[3] = "<0"; }))),
        one("spm-without-newline-byte", (b) => file(withTokens(b.spm, (t) => { const i = t.indexOf("<0x0A>"); t[i] = "<newline-gone>"; })))
    ];
}

function templateCases(): HostileCase[] {
    const one = (name: string, template: (b: Bases) => string): HostileCase =>
        ({name, kind: "template", build: (b) => file(withTemplate(b.qwen, template(b)))});
    return [
        one("template-200000-deep-if", () => nested(200_000, "{% if true %}", "x", "{% endif %}")),
        one("template-200000-deep-parens", () => `{{ ${nested(200_000, "(", "1", ")")} }}`),
        one("template-3000-deep-if", () => nested(3000, "{% if true %}", "x", "{% endif %}")),
        one("template-20000-deep-parens", () => `{{ ${nested(20_000, "(", "1", ")")} }}`),
        one("template-nested-loop", () => "{% for a in range(1000000) %}{% for b in range(1000000) %}{{ a }}{% endfor %}{% endfor %}"),
        one("template-loop-over-messages-forever", () => "{% for m in messages %}{% for i in range(100000000) %}{{ m.content }}{% endfor %}{% endfor %}"),
        one("template-recursive-macro", () => "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
        one("template-huge", () => "{{ bos_token }}" + "x".repeat(8 << 20)),
        one("template-syntax-error", () => "{% if %}{% endfor %}{{"),
        one("template-empty", () => ""),
        {name: "template-not-a-string", kind: "template", build: (b) => file(setKv(b.qwen, "tokenizer.chat_template", u32(7)))}
    ];
}

function hugeCases(hugeHeaderBytes: number): HostileCase[] {
    return [
        {name: "huge-array-unknown-key", kind: "huge", build: (b) => file(b.qwen, (r) => ({
            ...r, kvs: [...r.kvs, {key: "junk.blob", raw: rawArray(GgufValueType.Uint8, hugeHeaderBytes, Buffer.alloc(hugeHeaderBytes, 7))}]
        }))},
        {name: "long-string-array-unknown-key", kind: "huge", build: (b) => {
            const count = 1 << 18;
            const item = Buffer.alloc(16);
            item.writeBigUInt64LE(8n, 0);
            item.write("abcdefgh", 8);
            return file(b.qwen, (r) => ({...r, kvs: [...r.kvs, {key: "junk.words", raw: rawArray(GgufValueType.String, count, Buffer.concat(Array(count).fill(item) as Buffer[]))}]}));
        }},
        {name: "long-string-value", kind: "huge", build: (b) => file(setKv(b.qwen, "general.description", str("d".repeat(8 << 20))))},
        {name: "long-scores-array", kind: "huge", build: (b) => file(b.qwen, (r) => ({
            ...r, kvs: [...r.kvs, {key: "tokenizer.ggml.scores", raw: rawArray(GgufValueType.Float32, 1 << 18, Buffer.alloc(1 << 20))}]
        }))}
    ];
}
