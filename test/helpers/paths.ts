import {join, resolve} from "node:path";

/** The repository root, from test/helpers/. */
export const REPO_ROOT = resolve(__dirname, "..", "..");

/** Ignored folder for caches that outlive a test run (generated models, unpacked sources). */
export const CACHE_DIR = join(REPO_ROOT, ".cache");

/**
 * Caches the product keeps in the user's cache folder (the model guard's verdicts, unpacked
 * sources) go to the repository's ignored cache during tests, child processes included.
 */
process.env.QUANTPILOT_CACHE_DIR ??= join(CACHE_DIR, "user-cache");

/** Where tests put artifacts worth keeping (screenshots, logs). */
export const RESULTS_DIR = join(REPO_ROOT, "test-results");
