import type {CorpusDocument} from "./corpusDocument";
import {cRingBuffer} from "./cRingBuffer";
import {goWordFrequency} from "./goWordFrequency";
import {javascriptTextUtils} from "./javascriptTextUtils";
import {proseHouseplants} from "./proseHouseplants";
import {proseLighthouseKeeper} from "./proseLighthouseKeeper";
import {proseRiverWalk} from "./proseRiverWalk";
import {proseSourdough} from "./proseSourdough";
import {proseVersionControl} from "./proseVersionControl";
import {pythonInventory} from "./pythonInventory";
import {rustMatrix} from "./rustMatrix";
import {typescriptScheduler} from "./typescriptScheduler";

/**
 * The built-in text the A/B comparison scores on: code in six languages and prose of five
 * kinds, all written for QuantPilot. Code and prose alternate so that any prefix of the
 * windows (a time budget) mixes both. About 10,700 tokens with Qwen2's vocabulary: 20 windows of 512.
 */
export const AB_CORPUS: readonly CorpusDocument[] = [
    pythonInventory,
    proseSourdough,
    typescriptScheduler,
    proseVersionControl,
    goWordFrequency,
    proseRiverWalk,
    rustMatrix,
    proseHouseplants,
    cRingBuffer,
    proseLighthouseKeeper,
    javascriptTextUtils
];

/** Documents are joined with a blank line, as one text file holding all of them would be. */
export const CORPUS_SEPARATOR = "\n\n";
