/**
 * Prefix of the tools QuantPilot registers with VS Code's language model API. The assistant
 * leaves these out of "other extensions' tools": it has the same tools built in.
 */
export const QUANTPILOT_LM_TOOL_PREFIX = "quantpilot_";
