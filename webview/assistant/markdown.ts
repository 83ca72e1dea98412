import MarkdownIt from "markdown-it";

/**
 * Markdown from the model rendered safely: raw HTML in the text is escaped (html: false), and
 * markdown-it's link check drops javascript:, vbscript: and data: URLs (except images). Fenced
 * code blocks get a header with the language and a Copy button.
 */
const md = new MarkdownIt({html: false, linkify: true, breaks: false});

md.renderer.rules.fence = (tokens, index) => {
    const token = tokens[index]!;
    const language = token.info.trim().split(/\s+/)[0] ?? "";
    return `<div class="code-block"><div class="code-head"><span class="code-lang">${md.utils.escapeHtml(language)}</span>` +
        `<button class="copy" type="button" title="Copy code">Copy</button></div>` +
        `<pre><code${language !== "" ? ` class="language-${md.utils.escapeHtml(language)}"` : ""}>${md.utils.escapeHtml(token.content)}</code></pre></div>`;
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options));
md.renderer.rules.link_open = (tokens, index, options, env, self) => {
    tokens[index]!.attrSet("title", tokens[index]!.attrGet("href") ?? "");
    return defaultLinkOpen(tokens, index, options, env, self);
};

export function renderMarkdown(text: string): string {
    return md.render(text);
}
