import {join, resolve} from "node:path";

/** The repository root, from test/helpers/. */
export const REPO_ROOT = resolve(__dirname, "..", "..");

/** Ignored folder for caches that outlive a test run (generated models, unpacked sources). */
export const CACHE_DIR = join(REPO_ROOT, ".cache");

/** Where tests put artifacts worth keeping (screenshots, logs). */
export const RESULTS_DIR = join(REPO_ROOT, "test-results");
