/**
 * Preloaded into every Node process the bench starts for a plan (through NODE_OPTIONS, so the
 * tsx loader's own child gets it too). On exit, it appends the process's peak resident set size
 * (getrusage ru_maxrss, in KiB, as Node reports it) to the file named by BENCH_RSS_FILE, one
 * JSON line per process. Needs nothing installed: no GNU time, no procfs polling.
 */
"use strict";
const fs = require("node:fs");

const target = process.env.BENCH_RSS_FILE;
if (target) {
    process.on("exit", (code) => {
        const line = JSON.stringify({
            pid: process.pid,
            ppid: process.ppid,
            maxRssKiB: process.resourceUsage().maxRSS,
            script: process.argv[1] ?? "",
            code,
        });
        try {
            fs.appendFileSync(target, `${line}\n`);
        } catch {
            // A lost sample shows up as a missing RSS value; the exit code must not change.
        }
    });
}
