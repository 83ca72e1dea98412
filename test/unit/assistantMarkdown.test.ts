import {test} from "node:test";
import assert from "node:assert/strict";
import {renderMarkdown} from "../../webview/assistant/markdown";

test("raw HTML in the model's text is shown as text, never as markup", () => {
    const html = renderMarkdown("Hello <script>alert(1)</script> <img src=x onerror=alert(2)> <b>bold</b>");
    assert.doesNotMatch(html, /<script|<img|<b>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test("dangerous link targets are not turned into links", () => {
    for (const target of ["javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4="]) {
        const html = renderMarkdown(`[click](${target})`);
        assert.doesNotMatch(html, /<a /, target);
    }
    assert.match(renderMarkdown("[docs](https://code.visualstudio.com)"), /<a href="https:\/\/code\.visualstudio\.com" title="https:\/\/code\.visualstudio\.com">docs<\/a>/);
});

test("fenced code gets a header with its language and a copy button; its content stays escaped", () => {
    const html = renderMarkdown("```ts\nconst a = \"<b>\" && 1 < 2;\n```");
    assert.match(html, /<div class="code-block"><div class="code-head"><span class="code-lang">ts<\/span><button class="copy"/);
    assert.match(html, /<code class="language-ts">const a = &quot;&lt;b&gt;&quot; &amp;&amp; 1 &lt; 2;\n<\/code>/);
    assert.doesNotMatch(renderMarkdown("```\" onclick=\"x\nhi\n```"), /onclick="x"/);
});

test("ordinary Markdown renders: lists, inline code, emphasis", () => {
    const html = renderMarkdown("- one\n- `two`\n\n*three*");
    assert.match(html, /<li>one<\/li>/);
    assert.match(html, /<code>two<\/code>/);
    assert.match(html, /<em>three<\/em>/);
});
