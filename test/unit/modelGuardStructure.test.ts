import {test} from "node:test";
import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ModelRejectedError} from "../../src/engine/guard/modelRejectedError";
import {checkStructure} from "../../src/engine/guard/structuralCheck";
import {writeHostileCorpus} from "../helpers/hostileModels";

/**
 * The header checks alone, on the corpus: each file that crashes llama.cpp is refused here with
 * its own reason (the model tier checks every file against a real load); each file llama.cpp
 * loads passes, its template judged separately.
 */
const REFUSED: Record<string, RegExp> = {
    "head-count-zero": /head_count = 0, which would crash llama\.cpp/,
    "head-count-kv-zero": /head_count_kv = 0/,
    "embedding-length-zero": /embedding length is 0/,
    "block-count-zero": /declares 0 layers; llama\.cpp accepts 1 to 512/,
    "block-count-absurd": /declares 1000000000 layers/,
    "block-count-513": /declares 513 layers/,
    "block-count-more-than-tensors": /declares 3 layers but holds no tensors for layer 2/,
    "block-count-fewer-than-tensors": /declares 1 layers but holds tensors for layer 1/,
    "feed-forward-zero": /feed_forward_length = 0/,
    "expert-count-absurd": /100000 experts; llama\.cpp accepts at most 1024/,
    "expert-used-without-experts": /routes to 4 experts per token but has 0/,
    "rope-scaling-unknown": /rope scaling type "sideways" is unknown/,
    "tokenizer-model-none": /no vocabulary \(tokenizer "none"\)/,
    "tokenizer-model-no-vocab": /no vocabulary \(tokenizer "no_vocab"\)/,
    "tokenizer-model-unknown": /tokenizer "sentencepiece2" is unknown/,
    "tokenizer-pre-unknown": /pre-tokenizer "my-pre" is unknown/,
    "bert-with-byte-token": /"bert" vocabulary has a byte token/,
    "empty-token-clash": /lists the token "\[EMPTY_300\]" twice/,
    "duplicate-token": /lists the token ".*" twice/,
    "spm-without-newline-byte": /lacks the byte token <0x0A>/,
    "head-count-not-dividing": /blk\.0\.attn_q\.weight has 64 outputs where 3 heads .* need 63/,
    "ffn-up-transposed": /blk\.0\.ffn_up\.weight has shape 128 × 64, which does not match its embedding length 64/,
    "token-embd-wrong-vocab": /token_embd\.weight has 300 rows for a vocabulary of 397 tokens/,
    "missing-token-embd": /no token embedding/,
    "huge-array-unknown-key": /header holds 52\.4M array items/,
    "array-count-past-eof": /truncated or damaged/,
    "tensor-offset-misaligned": /starts at byte \d+ of the data section where llama\.cpp expects byte \d+/,
    "empty-key": /a metadata key is empty/
};

const PASSES = ["head-count-per-layer-with-zero", "context-length-zero", "context-length-absurd", "bert-without-byte-token", "empty-token",
    "two-empty-tokens", "merges-without-space", "eos-id-past-vocab", "fim-id-past-vocab", "template-syntax-error", "template-empty",
    "long-string-value", "long-string-array-unknown-key", "long-scores-array"];

const TEMPLATE_NOT_RENDERED = ["template-200000-deep-if", "template-200000-deep-parens", "template-3000-deep-if", "template-20000-deep-parens", "template-nested-loop",
    "template-loop-over-messages-forever", "template-huge", "template-not-a-string"];

test("the header checks refuse each crashing file with its own reason and pass the files llama.cpp loads", async () => {
    const dir = await mkdtemp(join(tmpdir(), "qp-structure-"));
    try {
        const files = new Map((await writeHostileCorpus(dir)).map((f) => [f.name, f.path]));
        for (const [name, reason] of Object.entries(REFUSED))
            await assert.rejects(checkStructure(files.get(name)!), (e: Error) => e instanceof ModelRejectedError && reason.test(e.message), name);
        for (const name of PASSES)
            assert.equal((await checkStructure(files.get(name)!)).templateProblem, undefined, name);
        for (const name of TEMPLATE_NOT_RENDERED)
            assert.ok((await checkStructure(files.get(name)!)).templateProblem != null, name);
    } finally {
        await rm(dir, {recursive: true, force: true});
    }
});
