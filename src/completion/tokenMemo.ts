import {LRUCache} from "lru-cache";
import type {TokenId} from "./fimPrompt";
import type {Tokenizer} from "./promptTokens";

/**
 * Remembers recent tokenizations. Between keystrokes the stable lines, the suffix and the context
 * chunks are the same strings, so each is tokenized once rather than on every keystroke.
 */
export class TokenMemo implements Tokenizer {
    private readonly memo: LRUCache<string, readonly TokenId[]>;

    constructor(private readonly tokenizeText: (text: string) => readonly TokenId[], maxEntries = 4096) {
        this.memo = new LRUCache({max: maxEntries});
    }

    tokenize(text: string): readonly TokenId[] {
        if (text === "")
            return [];
        let tokens = this.memo.get(text);
        if (tokens == null) {
            tokens = this.tokenizeText(text);
            this.memo.set(text, tokens);
        }
        return tokens;
    }
}
