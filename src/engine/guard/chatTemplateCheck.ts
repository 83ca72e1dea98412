import type {GgufEntry} from "../../gguf/ggufValue";
import {GgufValueType} from "../../gguf/ggufValue";

/** Templates of real models are a few KB (the largest known ~20 KB); past this one is not a template. */
export const MAX_TEMPLATE_BYTES = 128 << 10;
/** Nesting of blocks ({% if %}, {% for %}, ...) or of brackets in expressions; real templates use under 10. */
export const MAX_TEMPLATE_NESTING = 64;
/** Loops over literal ranges longer than this are treated as a way to stall the renderer. */
export const MAX_TEMPLATE_RANGE = 100_000;

const BLOCK_OPENERS = new Set(["if", "for", "macro", "call", "filter", "raw", "generation"]);

/**
 * Whether the chat template can be handed to node-llama-cpp's renderers, judged from its text
 * alone: its JS renderer (which runs on the host's thread) can loop forever, and its native
 * fallback overflows the stack on deep nesting. Returns why not, or undefined when it can be
 * tried (the probe then renders it in a child process under a time limit).
 */
export function chatTemplateProblem(entry: GgufEntry | undefined): string | undefined {
    if (entry == null)
        return undefined;
    if (entry.type !== GgufValueType.String)
        return "it is not text";
    const bytes = entry.omittedBytes ?? Buffer.byteLength(String(entry.value));
    if (bytes > MAX_TEMPLATE_BYTES)
        return `it is ${Math.round(bytes / 1024)} KB, far larger than any real template (${MAX_TEMPLATE_BYTES / 1024} KB at most)`;
    return scanTemplate(String(entry.value));
}

/** One pass over the template: block depth, bracket depth inside tags, and literal loop lengths. */
function scanTemplate(template: string): string | undefined {
    let blocks = 0;
    for (let i = 0; i < template.length; i++) {
        if (template[i] !== "{" || (template[i + 1] !== "%" && template[i + 1] !== "{"))
            continue;
        const statement = template[i + 1] === "%";
        const end = template.indexOf(statement ? "%}" : "}}", i + 2);
        const tag = template.slice(i + 2, end < 0 ? template.length : end);
        const problem = tagProblem(tag);
        if (problem != null)
            return problem;
        if (statement) {
            blocks += blockChange(tag);
            if (blocks > MAX_TEMPLATE_NESTING)
                return `its blocks are nested more than ${MAX_TEMPLATE_NESTING} deep`;
        }
        if (end < 0)
            break;
        i = end + 1;
    }
    return undefined;
}

function tagProblem(tag: string): string | undefined {
    let depth = 0;
    let quote: string | undefined;
    for (let i = 0; i < tag.length; i++) {
        const c = tag[i]!;
        if (quote != null) {
            if (c === "\\")
                i++;
            else if (c === quote)
                quote = undefined;
        } else if (c === "'" || c === "\"") {
            quote = c;
        } else if (c === "(" || c === "[" || c === "{") {
            if (++depth > MAX_TEMPLATE_NESTING)
                return `its expressions are nested more than ${MAX_TEMPLATE_NESTING} deep`;
        } else if (c === ")" || c === "]" || c === "}") {
            depth--;
        }
    }
    for (const match of tag.matchAll(/\brange\s*\(\s*(?:\d+\s*,\s*)?(\d[\d_]*)/g)) {
        const count = Number(match[1]!.replace(/_/g, ""));
        if (count > MAX_TEMPLATE_RANGE)
            return `it loops ${count} times over a range, which would stall the editor`;
    }
    return undefined;
}

/** +1 for a tag that opens a block, -1 for one that closes it, 0 otherwise. */
function blockChange(tag: string): number {
    const word = /^[-+\s]*([a-z_]+)/.exec(tag)?.[1] ?? "";
    if (word.startsWith("end"))
        return -1;
    if (BLOCK_OPENERS.has(word))
        return 1;
    // {% set x %}...{% endset %} is a block; {% set x = ... %} is not.
    return word === "set" && !tag.includes("=") ? 1 : 0;
}
