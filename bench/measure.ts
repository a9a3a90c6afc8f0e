/**
 * Running one child process and measuring it: wall time from spawn to exit, and, for processes
 * started with the RSS probe, the peak resident set size of every Node process of the tree.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const probePath = path.join(__dirname, "rss-probe.cjs");

export interface RunSpec {
    command: string;
    args: string[];
    cwd: string;
    /** Record peak RSS through the probe, of the process that runs this script. */
    rss?: { script: string };
    timeoutMs: number;
    env?: Record<string, string>;
}

export interface ProbeSample {
    pid: number;
    ppid: number;
    maxRssKiB: number;
    script: string;
    code: number;
}

export interface RunResult {
    wallMs: number;
    code: number | null;
    signal: NodeJS.Signals | null;
    timedOut: boolean;
    /** Peak RSS of the process running the measured script (the largest, if none matches). */
    peakRssKiB?: number;
    samples: ProbeSample[];
    /** The last part of stdout and stderr, for error reports. */
    tail: string;
}

const tailLimit = 4000;

/** Process groups of the children still running, by the child's pid. */
const running = new Set<number>();

function stopGroup(pid: number): void {
    try {
        process.kill(-pid, "SIGKILL");
    } catch {
        // Already gone.
    }
}

/** Ends the process groups of the children this module started and that are still running. */
export function stopRunning(): void {
    for (const pid of running) stopGroup(pid);
    running.clear();
}

function withProbe(env: NodeJS.ProcessEnv, file: string): NodeJS.ProcessEnv {
    const existing = env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ` : "";
    return {
        ...env,
        NODE_OPTIONS: `${existing}--require ${JSON.stringify(probePath)}`,
        BENCH_RSS_FILE: file,
    };
}

function readSamples(file: string): ProbeSample[] {
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as ProbeSample);
}

/** Runs the child to completion. Resolves; never rejects for a failing child. */
export function runOnce(spec: RunSpec, scratch: string): Promise<RunResult> {
    const rssFile = path.join(
        scratch,
        `rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`,
    );
    const baseEnv = { ...process.env, ...spec.env };
    const env = spec.rss ? withProbe(baseEnv, rssFile) : baseEnv;
    return new Promise((resolve) => {
        let tail = "";
        const keep = (chunk: Buffer) => {
            tail = (tail + chunk.toString("utf8")).slice(-tailLimit);
        };
        const started = process.hrtime.bigint();
        let ended: bigint | undefined;
        let timedOut = false;
        let done = false;
        // Its own process group, so that a timeout ends the child and whatever it started.
        const child = spawn(spec.command, spec.args, {
            cwd: spec.cwd,
            env,
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        if (child.pid !== undefined) running.add(child.pid);
        child.stdout.on("data", keep);
        child.stderr.on("data", keep);
        const timer = setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) stopGroup(child.pid);
        }, spec.timeoutMs);
        child.on("exit", () => {
            ended = process.hrtime.bigint();
        });
        const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            if (child.pid !== undefined) running.delete(child.pid);
            const stop = ended ?? process.hrtime.bigint();
            const samples = spec.rss ? readSamples(rssFile) : [];
            fs.rmSync(rssFile, { force: true });
            const target = spec.rss ? path.resolve(spec.cwd, spec.rss.script) : undefined;
            const own = samples.filter((s) => s.script === target);
            const pool = own.length > 0 ? own : samples;
            resolve({
                wallMs: Number(stop - started) / 1e6,
                code,
                signal,
                timedOut,
                peakRssKiB: pool.length > 0 ? Math.max(...pool.map((s) => s.maxRssKiB)) : undefined,
                samples,
                tail: error ? `${tail}\n${error.message}` : tail,
            });
        };
        child.on("error", (error) => finish(null, null, error));
        child.on("close", (code, signal) => finish(code, signal));
    });
}

export interface Summary {
    n: number;
    median: number;
    min: number;
    max: number;
}

export function summarize(values: number[]): Summary | undefined {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { n: sorted.length, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

export function makeScratch(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "wiz-infra-bench-"));
}
