import {DEFAULT_TEXT_WINDOW, splitCursorText, type CursorText, type TextWindow} from "./cursorText";
import {DEFAULT_FIM_LAYOUT, type FimLayout, type FimVocabulary} from "./fimPrompt";
import {languageSyntaxFor} from "./languageSyntax";
import {heldBackWhitespace, type SuggestionContext} from "./postProcess";
import {buildCompletionPrompt, DEFAULT_PROMPT_BUDGET, type CompletionPrompt, type ContextChunk, type PromptBudget, type Tokenizer} from "./promptTokens";

/** The inputs that decide a suggestion's text (everything in a completion request except how it runs). */
export interface CompletionInput {
    readonly prefix: string;
    readonly suffix: string;
    readonly fileName?: string;
    readonly repoName?: string;
    readonly context?: readonly ContextChunk[];
    readonly window?: Partial<TextWindow>;
    readonly budget?: Partial<PromptBudget>;
    readonly layout?: FimLayout;
}

/** What a model contributes to a plan: its FIM tokens, its tokenizer and its special-token spellings. */
export interface PlanningModel {
    readonly fim: FimVocabulary;
    readonly tokenizer: Tokenizer;
    readonly specialTexts: readonly string[];
}

export interface CompletionPlan {
    readonly text: CursorText;
    readonly prompt: CompletionPrompt;
    /** The token budgets the prompt was built within: the caps the panel shows beside each part. */
    readonly budget: PromptBudget;
    /** What post-processing needs; `isSuggestionDecided`/`finishSuggestion` take it. */
    readonly suggestion: SuggestionContext;
}

/**
 * The one function that turns a request into a prompt and a post-processing context. The engine
 * runs it for the editor, the CLI and the benchmark alike, so the same prefix and suffix always give
 * the same prompt and therefore (greedy decoding) the same suggestion.
 */
export function planCompletion(input: CompletionInput, model: PlanningModel): CompletionPlan {
    const window: TextWindow = {...DEFAULT_TEXT_WINDOW, ...input.window};
    const budget: PromptBudget = {...DEFAULT_PROMPT_BUDGET, ...input.budget};
    const text = splitCursorText(input.prefix, input.suffix, window);
    const heldBack = heldBackWhitespace(text.linePrefix);
    const promptText = heldBack === "" ? text : {
        ...text,
        volatile: text.volatile.slice(0, -heldBack.length),
        linePrefix: text.linePrefix.slice(0, -heldBack.length)
    };
    const prompt = buildCompletionPrompt({
        text: promptText,
        ...(input.fileName != null ? {fileName: input.fileName} : {}),
        ...(input.repoName != null ? {repoName: input.repoName} : {}),
        ...(input.context != null ? {chunks: input.context} : {})
    }, model.fim, model.tokenizer, budget, input.layout ?? DEFAULT_FIM_LAYOUT);
    return {
        text,
        prompt,
        budget,
        suggestion: {text, syntax: languageSyntaxFor(input.fileName), specialTexts: model.specialTexts, ...(heldBack !== "" ? {heldBack} : {})}
    };
}
