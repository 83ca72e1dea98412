import type {AssistantPart, AssistantTurn} from "./chatTranscript";

/** Streamed while a turn runs: text as it is generated, and parts as they appear or change. */
export type TurnEvent =
    | {readonly type: "text"; readonly text: string}
    | {readonly type: "part"; readonly index: number; readonly part: AssistantPart};

/** Builds the assistant turn as events arrive and tells the listener about each change. */
export class TurnEmitter {
    private textIndex: number | undefined;

    constructor(readonly turn: AssistantTurn, private readonly listener: ((event: TurnEvent) => void) | undefined) {}

    text(text: string): void {
        if (text === "")
            return;
        if (this.textIndex == null) {
            this.textIndex = this.turn.parts.push({type: "text", text: ""}) - 1;
            this.listener?.({type: "part", index: this.textIndex, part: {type: "text", text: ""}});
        }
        (this.turn.parts[this.textIndex] as {text: string}).text += text;
        this.listener?.({type: "text", text});
    }

    /** Text after this point goes into a new part (after a tool call). */
    endText(): void {
        this.textIndex = undefined;
    }

    /** Replaces the text of the last text part (calls written as text taken out of it). */
    replaceLastText(text: string): void {
        const index = this.turn.parts.map((part) => part.type).lastIndexOf("text");
        if (index < 0)
            return;
        this.turn.parts[index] = {type: "text", text};
        this.update(index);
    }

    add(part: AssistantPart): number {
        this.endText();
        const index = this.turn.parts.push(part) - 1;
        this.listener?.({type: "part", index, part});
        return index;
    }

    update(index: number): void {
        this.listener?.({type: "part", index, part: this.turn.parts[index]!});
    }

    notice(level: "info" | "warning" | "error", text: string): void {
        this.add({type: "notice", level, text});
    }
}
