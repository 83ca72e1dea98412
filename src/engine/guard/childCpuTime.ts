import {readFile} from "node:fs/promises";

/** Linux's clock tick (USER_HZ): the unit of /proc/<pid>/stat's times, 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

/**
 * Processor time (user and system, all threads) a child process has used so far, in ms, where the
 * system tells (Linux's /proc); undefined elsewhere or when the process is gone. A probe's time
 * limits count this rather than the clock where they can: on a busy machine a sound file's stage
 * takes many times longer by the clock, while a hung or hostile one keeps burning processor time.
 */
export async function childCpuTimeMs(pid: number | undefined): Promise<number | undefined> {
    if (pid == null || process.platform !== "linux")
        return undefined;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
    return stat == null ? undefined : cpuTimeFromStat(stat);
}

/** utime + stime from a /proc/<pid>/stat line, in ms. The command name (field 2) may hold spaces and parentheses, so fields are counted after its last ')'. */
export function cpuTimeFromStat(stat: string): number | undefined {
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * 1000 / TICKS_PER_SECOND : undefined;
}
