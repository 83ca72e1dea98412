import type {CorpusDocument} from "./corpusDocument";
import {cRingBuffer} from "./texts/cRingBuffer";
import {goWordFrequency} from "./texts/goWordFrequency";
import {javascriptTextUtils} from "./texts/javascriptTextUtils";
import {proseHouseplants} from "./texts/proseHouseplants";
import {proseLighthouseKeeper} from "./texts/proseLighthouseKeeper";
import {proseRiverWalk} from "./texts/proseRiverWalk";
import {proseSourdough} from "./texts/proseSourdough";
import {proseVersionControl} from "./texts/proseVersionControl";
import {pythonInventory} from "./texts/pythonInventory";
import {rustMatrix} from "./texts/rustMatrix";
import {typescriptScheduler} from "./texts/typescriptScheduler";

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
