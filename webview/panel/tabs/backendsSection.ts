import type {JobPlacementView, PanelState, ServerFiguresView} from "../../../src/panel/protocol";
import {button} from "../../shared/toolkit";
import {h} from "../../shared/dom";
import {meter} from "../meters";
import {percent, rate} from "../../shared/format";
import {formatCount} from "../../../src/util/format";
import {card, facts, figure, type TabContext} from "./tabView";

const JOB_TITLES: Readonly<Record<JobPlacementView["job"], string>> = {completions: "Inline completions", assistant: "Assistant"};
const STATE_TEXT: Readonly<Record<JobPlacementView["state"], string>> = {
    ok: "", fallback: "server failing: the in-process model stands in", down: "server failing: not served", unsupported: "the server cannot do this job"
};

/**
 * "Where it runs": one card per job (this process or which server, and whether it is failing),
 * and the live figures of each server in use. Its own file so the panel's app can move without
 * touching it; nothing is drawn when the host has no server support.
 */
export function backendsSection(state: PanelState, context: TabContext | undefined): HTMLElement[] {
    const backends = state.backends;
    if (backends == null)
        return [];
    return [
        ...backends.jobs.map((job) => jobCard(job, context)),
        ...backends.servers.map(serverCard)
    ];
}

function jobCard(job: JobPlacementView, context: TabContext | undefined): HTMLElement {
    const rows: Array<[string, string]> = [["Model", job.model ?? "none loaded"]];
    if (job.url != null)
        rows.push(["Server", job.url]);
    const children = [
        figure(job.where, job.kind === "local" ? "in this editor process" : "on a server", `job-${job.job}-where`),
        facts(rows)
    ];
    const state = job.state !== "ok"
        ? h("p", {class: `qp-banner ${job.state === "fallback" ? "info" : "error"}`, testId: `job-${job.job}-state`, title: job.detail ?? ""},
            `${STATE_TEXT[job.state]}${job.detail != null ? `: ${job.detail}` : ""}`)
        : null;
    const quantization = job.quantizationSwitch.available && context != null
        ? button("Switch quantization…", {appearance: "secondary", testId: `job-${job.job}-switch`, onClick: () => context.post({type: "switchQuantization"})})
        : h("p", {class: "qp-footnote"}, job.quantizationSwitch.reason ?? "");
    return card(JOB_TITLES[job.job], `job-${job.job}`, ...children, state, quantization,
        context != null ? button("Server settings", {appearance: "secondary", onClick: () => context.post({type: "openServerSettings"})}) : null);
}

function serverCard(server: ServerFiguresView): HTMLElement {
    const kv = server.kvTokens != null && server.kvCapacity != null && server.kvCapacity > 0 ? (100 * server.kvTokens) / server.kvCapacity : null;
    return card(`Server ${server.name}`, `server-${server.name}`,
        figure(rate(server.tokensPerSecond), "generation (server's average)", `server-${server.name}-tps`),
        meter(kv, "KV cache in use", "kv"),
        facts([
            ["Prompt", rate(server.promptTokensPerSecond)],
            ["KV cache", server.kvTokens != null && server.kvCapacity != null ? `${formatCount(server.kvTokens)} / ${formatCount(server.kvCapacity)} tokens (${percent(kv)})` : "—"],
            ["Slots busy", server.slotsBusy != null ? `${server.slotsBusy} of ${server.slotsTotal ?? "?"}` : "—"],
            ["Waiting", server.requestsWaiting != null ? String(server.requestsWaiting) : "—"]
        ]),
        server.note != null ? h("p", {class: "qp-footnote"}, server.note) : null);
}
