import type {PendingApproval} from "./protocol";

interface Waiting {
    readonly approval: PendingApproval;
    readonly resolve: (approved: boolean) => void;
}

/**
 * The decisions tools wait for (accept a change, run a command, allow another extension's
 * tool). A request resolves true only when the user approves it; a rejection, a stop or a
 * cleared chat resolve false, so nothing happens unless the user said yes.
 */
export class ApprovalBroker {
    private readonly waiting = new Map<string, Waiting>();
    private readonly listeners = new Set<() => void>();

    /** Waits for the user's decision on `approval`; false when `signal` aborts first. */
    request(approval: PendingApproval, signal: AbortSignal): Promise<boolean> {
        if (signal.aborted)
            return Promise.resolve(false);
        this.waiting.get(approval.callId)?.resolve(false);
        return new Promise<boolean>((resolve) => {
            const onAbort = () => this.decide(approval.callId, false);
            signal.addEventListener("abort", onAbort, {once: true});
            this.waiting.set(approval.callId, {
                approval,
                resolve: (approved) => {
                    signal.removeEventListener("abort", onAbort);
                    resolve(approved);
                }
            });
            this.changed();
        });
    }

    /** Records the user's decision; false when nothing waits under that id (already decided). */
    decide(callId: string, approved: boolean): boolean {
        const entry = this.waiting.get(callId);
        if (entry == null)
            return false;
        this.waiting.delete(callId);
        entry.resolve(approved);
        this.changed();
        return true;
    }

    get pending(): PendingApproval[] {
        return [...this.waiting.values()].map((w) => w.approval);
    }

    get(callId: string): PendingApproval | undefined {
        return this.waiting.get(callId)?.approval;
    }

    /** The most recent approval of a kind (what editor-title Accept/Reject buttons act on). */
    latest(kind: PendingApproval["kind"]): PendingApproval | undefined {
        return this.pending.filter((a) => a.kind === kind).pop();
    }

    onDidChange(listener: () => void): {dispose(): void} {
        this.listeners.add(listener);
        return {dispose: () => this.listeners.delete(listener)};
    }

    /** Turns every waiting request down (new chat, model change, shutdown). */
    rejectAll(): void {
        for (const callId of [...this.waiting.keys()])
            this.decide(callId, false);
    }

    private changed(): void {
        for (const listener of this.listeners)
            listener();
    }
}
