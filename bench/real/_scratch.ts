import {cutFimTasks} from "/work/wt/realtier/bench/real/fimTasks";
import {quantPilotFim} from "/work/wt/realtier/bench/real/fimCompare";
import {summarizeFim} from "/work/wt/realtier/bench/real/fimScore";
const tasks = cutFimTasks([{name: "python3.11", root: "/usr/lib/python3.11", pattern: /\.py$/}, {name: "typescript-lib", root: "/work/wt/realtier/node_modules/typescript/lib", pattern: /^lib\..*\.d\.ts$/}], {seed: 1, count: Number(process.argv[2] ?? 8)});
async function main() {
const t0 = performance.now();
const out = await quantPilotFim("/work/wt/realtier/.cache/real-models/models/qwen2.5-coder-0.5b-instruct-awq-q4_k_m.gguf", tasks, {threads: 2, maxTokens: 32, contextSize: 4096});
tasks.forEach((t, i) => console.log(t.file, JSON.stringify(t.middle.slice(0, 60)), out[i]!.exact, out[i]!.latencyMs.toFixed(0)));
console.log(JSON.stringify(summarizeFim(out)), (performance.now() - t0) / 1000);
}
void main();
