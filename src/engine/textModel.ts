import type {Token} from "node-llama-cpp";
import type {ModelDescription} from "./modelDescription";
import type {EvaluateOptions, EvaluateResult, GenerateOptions, GenerateResult} from "./tokenGeneration";

/** The model's special tokens that prompt builders need. */
export interface ModelVocabulary {
    /** Fill-in-the-middle tokens; absent when the model has no FIM training. */
    readonly fim?: {
        readonly prefix: Token;
        readonly suffix: Token;
        readonly middle: Token;
        readonly pad?: Token;
        /** Repo-level FIM (Qwen2.5-Coder): `<|repo_name|>` and `<|file_sep|>`. */
        readonly repoName?: Token;
        readonly fileSep?: Token;
    };
    /** Present when the model wants BOS prepended to a prompt. */
    readonly bos?: Token;
    /** How the special tokens are spelled, so text that generation produced can be cut at them. */
    readonly specialTexts: readonly string[];
}

/** What one turn with exclusive use of the model's sequence (and its KV cache) can do. */
export interface TokenSession {
    /** Makes the sequence hold exactly `tokens`, evaluating only what is not cached. */
    evaluate(tokens: readonly Token[], options?: EvaluateOptions): Promise<EvaluateResult>;
    /** Greedy generation after `prompt`, reusing its cached prefix. */
    generate(prompt: readonly Token[], options: GenerateOptions): Promise<GenerateResult>;
    /** The most likely first tokens after `prompt`, best first, without `exclude`. */
    likelyFirstTokens(prompt: readonly Token[], count: number, exclude: ReadonlySet<Token>, options?: EvaluateOptions): Promise<Token[]>;
}

/**
 * A loaded model as the layers above the engine see it: tokenize, evaluate, generate. It knows
 * nothing of completions, prompts or windows; those are built above it (src/completion/).
 */
export interface TextModel {
    readonly description: ModelDescription;
    /** Tokens the context holds at most. */
    readonly contextSize: number;
    readonly vocabulary: ModelVocabulary;
    /** Text to tokens, without parsing special tokens ("<|fim_prefix|>" typed in a file stays text). */
    tokenize(text: string): Token[];
    detokenize(tokens: readonly Token[]): string;
    /**
     * Runs `work` with the sequence to itself: requests take turns, so the KV cache one leaves is
     * the one the next finds. `signal` also fires when the model is unloaded.
     */
    exclusive<T>(signal: AbortSignal | undefined, work: (session: TokenSession, signal: AbortSignal) => Promise<T>): Promise<T>;
}
