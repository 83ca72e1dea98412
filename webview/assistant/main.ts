import "./assistant.css";
import type {AssistantProtocol, AssistantViewState, ChatTurnView, PartView, PendingApproval, TurnEventView, WebviewMessage} from "../../src/assistant/protocol";
import {h} from "../shared/dom";
import {HostChannel} from "../shared/hostChannel";
import {applyTurnEvent} from "./assistantStore";
import {renderMarkdown} from "./markdown";
import {plainButton} from "./plainButton";
import {toolCallView} from "./toolCallView";

/**
 * The Assistant view: a transcript that streams, a composer with Send/Stop, and the tool calls
 * with the decisions they wait for. The host owns the state; this page renders it and sends
 * back what the user does.
 */
let state: AssistantViewState | undefined;
let approvals: readonly PendingApproval[] = [];
const channel = new HostChannel<AssistantProtocol>();
const send = (message: WebviewMessage) => channel.post(message);

const app = document.getElementById("app")!;
const modelLabel = h("span", {class: "model-label"});
// New Chat and History are the view's own title-bar actions (package.json menus), as in VS Code's views.
const header = h("header", {class: "toolbar"}, modelLabel);
const banner = h("div", {class: "banner", hidden: true});
const transcript = h("main", {class: "transcript", role: "log", ariaLive: "polite"});
const input = h("textarea", {class: "input", ariaLabel: "Message"});
input.rows = 1;
input.placeholder = "Ask about your code…";
const sendButton = plainButton("Send", "primary", () => submit(), "send");
const stopButton = plainButton("Stop", "secondary", () => send({type: "stop"}), "stop");
const composer = h("footer", {class: "composer"}, input, h("div", {class: "composer-actions"}, h("span", {class: "hint"}, "Shift+Enter for a new line"), stopButton, sendButton));
app.append(header, banner, transcript, composer);

input.value = channel.saved()?.draft ?? "";
input.addEventListener("input", () => {
    autosize();
    channel.save({draft: input.value});
});
input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
    }
});
transcript.addEventListener("click", (event) => {
    const target = event.target as HTMLElement;
    if (target.matches(".code-block .copy")) {
        const code = target.closest(".code-block")?.querySelector("code")?.textContent ?? "";
        send({type: "copy", text: code});
        target.textContent = "Copied";
        setTimeout(() => target.textContent = "Copy", 1500);
    }
});

channel.onMessage((message) => {
    switch (message.type) {
        case "state":
            state = message.state;
            approvals = message.state.approvals;
            render();
            return;
        case "turnEvent":
            onTurnEvent(message.event);
            return;
        case "approvals":
            approvals = message.approvals;
            renderLastTurn();
            return;
        case "focusInput":
            input.focus();
            return;
        default:
            message satisfies never;
    }
});
send({type: "ready"});

function submit(): void {
    const text = input.value.trim();
    if (text === "" || state?.busy === true)
        return;
    send({type: "send", text});
    input.value = "";
    channel.save({draft: ""});
    autosize();
}

function render(): void {
    if (state == null)
        return;
    const pinned = nearBottom();
    modelLabel.replaceChildren(h("span", {class: `dot ${state.model != null ? "on" : "off"}`}),
        state.model != null ? `${state.model.name}` : "No model loaded",
        state.model != null ? h("span", {class: "muted"}, ` · ${state.tools.available ? "tools on" : "tools off"}`) : "");
    banner.hidden = state.model == null || state.tools.available;
    banner.textContent = state.tools.available ? "" : `Tools are unavailable: ${state.tools.reason}. The assistant can still chat.`;
    transcript.replaceChildren(...(state.turns.length === 0 ? [emptyState()] : state.turns.map((turn, i) => turnView(turn, i))));
    stopButton.hidden = !state.busy;
    sendButton.hidden = state.busy;
    if (pinned)
        transcript.scrollTop = transcript.scrollHeight;
}

function renderLastTurn(): void {
    if (state == null || state.turns.length === 0)
        return;
    const pinned = nearBottom();
    const index = state.turns.length - 1;
    const view = turnView(state.turns[index]!, index);
    const existing = transcript.querySelector(`[data-turn="${index}"]`);
    if (existing != null)
        existing.replaceWith(view);
    else
        transcript.append(view);
    if (pinned)
        transcript.scrollTop = transcript.scrollHeight;
}

let frame: number | undefined;

function onTurnEvent(event: TurnEventView): void {
    const turns = state != null ? applyTurnEvent(state.turns, event) : undefined;
    if (state == null || turns == null)
        return;
    state = {...state, turns};
    // Tokens arrive faster than frames: re-render at most once per frame.
    frame ??= requestAnimationFrame(() => {
        frame = undefined;
        renderLastTurn();
    });
}

function turnView(turn: ChatTurnView, index: number): HTMLElement {
    if (turn.role === "user")
        return h("section", {class: "turn user", data: {turn: String(index)}}, h("div", {class: "author"}, "You"), h("div", {class: "user-text"}, turn.text));
    const busy = state?.busy === true && index === (state?.turns.length ?? 0) - 1;
    const body = h("div", {class: "parts"}, ...turn.parts.map(partView));
    const waitingForUser = turn.parts.some((p) => p.type === "toolCall" && approvals.some((a) => a.callId === p.id));
    if (busy && !waitingForUser && !turn.parts.some((p) => p.type === "text" && p.text !== ""))
        body.append(h("div", {class: "thinking"}, h("span"), h("span"), h("span")));
    return h("section", {class: `turn assistant${busy ? " streaming" : ""}`, data: {turn: String(index)}}, h("div", {class: "author"}, "QuantPilot"), body);
}

function partView(part: PartView): HTMLElement {
    switch (part.type) {
        case "text": {
            const div = h("div", {class: "markdown"});
            div.innerHTML = renderMarkdown(part.text); // markdown-it with html: false escapes any HTML in the text
            return div;
        }
        case "toolCall":
            return toolCallView(part, approvals.find((a) => a.callId === part.id), send);
        case "notice":
            return h("div", {class: `notice ${part.level}`}, part.text);
    }
}

function emptyState(): HTMLElement {
    const box = h("div", {class: "empty"},
        h("h2", null, "Ask QuantPilot"),
        h("p", null, "Chat with the local model about your workspace. It can read and search files, look at problems, propose edits you review as diffs, and run commands you approve — all offline."));
    if (state?.model == null)
        box.append(h("p", null, "No model is loaded yet."), plainButton("Select Model…", "primary", () => send({type: "selectModel"}), "select-model"));
    return box;
}

function nearBottom(): boolean {
    return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
}

function autosize(): void {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}
