import {userCacheDir} from "../util/userCacheDir";

/** Where the CLI keeps unpacked sources and other machine-local caches. */
export function cliCacheDir(): string {
    return userCacheDir();
}
