import type {PanelTab} from "../../../src/panel/protocol";
import {MachineTab} from "./machineTab";
import {ModelTab} from "./modelTab";
import {QuantizationTab} from "./quantizationTab";
import {AbTab} from "./abTab";
import type {TabContext, TabView} from "./tabView";

interface TabDefinition {
    readonly title: string;
    readonly create: (context: TabContext) => TabView;
}

/** Every tab: a PanelTab without an entry here fails to compile. The A/B tab adds one line. */
const TABS: {readonly [K in PanelTab]: TabDefinition} = {
    machine: {title: "Machine", create: (context) => new MachineTab(context)},
    model: {title: "Model", create: (context) => new ModelTab(context)},
    quantization: {title: "Quantization", create: (context) => new QuantizationTab(context)},
    ab: {title: "A/B", create: (context) => new AbTab(context)}
};

/** Left to right. */
export const TAB_ORDER: readonly PanelTab[] = ["machine", "model", "quantization", "ab"];

export function tabDefinition(id: PanelTab): TabDefinition {
    return TABS[id];
}
