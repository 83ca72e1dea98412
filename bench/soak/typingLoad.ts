import type {CompletionService, CompletionSettings} from "../../src/completion/completionService";
import type {CompletionBackend} from "../../src/completion/completionRequest";
import {isAbortError} from "../../src/util/abort";
import {QuantPilotReplay, sleep} from "../completionReplay";
import {asksForSuggestion, type TypingTrace} from "../completionTrace";

/** What became of the keystrokes that asked for a suggestion. */
export interface TypingCounts {
    requests: number;
    answered: number;
    /** Cancelled by the next keystroke before an answer came (the editor cancels it the same way). */
    aborted: number;
    /** Ended with an error other than a cancel. */
    failed: number;
}

/**
 * Typing as the editor sees it: each keystroke asks for a suggestion and does not wait for it;
 * the next keystroke, after the recorded pause times `pace`, cancels a request still running. An
 * accept waits for the suggestion on screen first, as a user accepts only what they see. Every
 * pass reopens the file with a first line of its own, so passes miss the suggestion cache and run
 * the model; the completion service is the same one throughout, as in an editor session.
 */
export class TypingLoad {
    readonly counts: TypingCounts = {requests: 0, answered: 0, aborted: 0, failed: 0};
    readonly errors: string[] = [];
    private passes = 0;

    constructor(
        private readonly completer: CompletionBackend,
        private readonly service: CompletionService,
        private readonly settings: CompletionSettings,
        private readonly trace: TypingTrace,
        private readonly pace: number
    ) {}

    /**
     * One pass over the trace. `between(keystrokes)` runs after each keystroke is sent, with the
     * count so far (where the soak starts a quantization switch without waiting for it).
     */
    async pass(between: (keystrokes: number) => void = () => undefined): Promise<void> {
        const trace = {...this.trace, file: {...this.trace.file, text: `# soak pass ${++this.passes}\n${this.trace.file.text}`}};
        const replay = new QuantPilotReplay(this.completer, this.settings, trace, this.service);
        let inFlight: {controller: AbortController; done: Promise<void>} | undefined;
        for (const [index, event] of trace.events.entries()) {
            if (event.op === "accept" || event.op === "acceptWord")
                await inFlight?.done;
            inFlight?.controller.abort();
            if (!asksForSuggestion(event)) {
                await replay.step(index, event);
                continue;
            }
            const controller = new AbortController();
            this.counts.requests++;
            inFlight = {controller, done: this.keystroke(replay, index, event, controller.signal)};
            between(this.counts.requests);
            await sleep((trace.events[index + 1]?.dt ?? 0) * this.pace);
        }
        await inFlight?.done;
        await this.service.stopIdleWork();
    }

    private async keystroke(replay: QuantPilotReplay, index: number, event: TypingTrace["events"][number], signal: AbortSignal): Promise<void> {
        try {
            const sample = await replay.step(index, event, signal);
            if (sample?.source === "none")
                this.counts.aborted++;
            else
                this.counts.answered++;
        } catch (err) {
            if (isAbortError(err) && signal.aborted) {
                this.counts.aborted++;
                return;
            }
            this.counts.failed++;
            this.errors.push(err instanceof Error ? err.message : String(err));
        }
    }
}
