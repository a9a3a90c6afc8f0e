/**
 * `npm run bench`: measures the offline plan, the test suite and the typecheck, and analyses
 * the critical path of `pulumi up` for every stack. A script, not a test: it prints a table,
 * PASS/MISS per target, and exits 0 unless a measurement could not be taken.
 *
 *   npm run bench -- [--runs N] [--test-runs N] [--typecheck-runs N] [--markdown FILE]
 *                    [--results FILE]
 *
 * Each measurement is the median of N runs after one warm-up, all in this one run. Floor and
 * plan runs are interleaved round by round, so that drift of the machine hits both alike.
 * Progress goes to stderr; the report goes to stdout.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { invocationDir, outputProblem, repeatedOption } from "../cli/commandLine";
import type { PropertyDependencyRecord } from "./deps";
import { estimateFor, orderingConstraints, provisioningTimes } from "./estimates";
import {
    analyseStack,
    type Chain,
    describeEdge,
    label,
    type PlanResource,
    type StackAnalysis,
} from "./graph";
import {
    makeScratch,
    type RunResult,
    type RunSpec,
    runOnce,
    type Summary,
    stopRunning,
    summarize,
} from "./measure";

const root = path.resolve(__dirname, "..");

export const usage = `Usage: npm run bench -- [options]

Measures the floor (Node + tsx + the Pulumi SDK and provider modules), the offline plan of
every stack (Pulumi.<name>.yaml and examples/Pulumi.<name>.yaml), npm test and tsc --noEmit,
then prints the critical path of \`pulumi up\` per stack and PASS/MISS per target.

Options:
  --runs <n>            timed runs of the floor and of each plan (env BENCH_RUNS, default 5)
  --test-runs <n>       timed runs of npm test; 0 skips (env BENCH_TEST_RUNS, default 5)
  --typecheck-runs <n>  timed runs of tsc --noEmit; 0 skips (env BENCH_TYPECHECK_RUNS, default 5)
  --markdown <file>     write the results into the generated section of this file
  --results <file>      raw results as JSON (default bench/results/latest.json)
  -h, --help            show this help`;

/** The targets the report checks. */
export const targets = {
    planToFloor: 2.5,
    planPeakRssMB: 300,
    testsWallSeconds: 20,
    testsCores: 2,
} as const;

const planTimeoutMs = 120_000;
const suiteTimeoutMs = 600_000;

interface Options {
    runs: number;
    testRuns: number;
    typecheckRuns: number;
    markdown?: string;
    results: string;
}

function count(name: string, flag: string | undefined, env: string | undefined, min: number) {
    const raw = flag ?? env ?? "5";
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
        throw new Error(`${name} must be a whole number of at least ${min}, not ${raw}`);
    }
    return Number(raw);
}

function parseOptions(argv: string[]): Options | "help" {
    const { values, tokens } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        tokens: true,
        options: {
            runs: { type: "string" },
            "test-runs": { type: "string" },
            "typecheck-runs": { type: "string" },
            markdown: { type: "string" },
            results: { type: "string" },
            help: { type: "boolean", short: "h" },
        },
    });
    const repeated = repeatedOption(tokens);
    if (repeated) throw new Error(`--${repeated} is given more than once`);
    if (values.help) return "help";
    return {
        runs: count("--runs", values.runs, process.env.BENCH_RUNS, 1),
        testRuns: count("--test-runs", values["test-runs"], process.env.BENCH_TEST_RUNS, 0),
        typecheckRuns: count(
            "--typecheck-runs",
            values["typecheck-runs"],
            process.env.BENCH_TYPECHECK_RUNS,
            0,
        ),
        markdown: writable("--markdown", values.markdown),
        results:
            writable("--results", values.results) ??
            path.join(root, "bench", "results", "latest.json"),
    };
}

/**
 * A file option as an absolute path (relative ones from where the user ran npm), refused before
 * the minutes of measuring when it could not be written.
 */
function writable(flag: string, file: string | undefined): string | undefined {
    if (file === undefined) return undefined;
    const target = path.resolve(invocationDir("bench"), file);
    const problem = outputProblem(target, false);
    if (problem) throw new Error(`${flag}: ${problem}`);
    return target;
}

// ---------------------------------------------------------------------------------------------
// The tools, resolved the way `npm run plan` finds them.

interface Tools {
    node: string;
    nodeVersion: string;
    tsxCli: string;
    tsc: string;
    versions: Record<string, string>;
}

function packageVersion(name: string): string {
    try {
        const file = path.join(root, "node_modules", name, "package.json");
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
    } catch {
        return "not installed";
    }
}

function resolveTools(): Tools {
    // npm puts node_modules/.bin first on PATH, so `tsx` (#!/usr/bin/env node) runs on the
    // Node of the `node` devDependency; without it, on whatever runs this script.
    const local = path.join(root, "node_modules", ".bin", "node");
    const node = fs.existsSync(local) ? fs.realpathSync(local) : process.execPath;
    const version = spawnSync(node, ["--version"], { encoding: "utf8" });
    return {
        node,
        nodeVersion: version.status === 0 ? version.stdout.trim() : "unknown",
        tsxCli: require.resolve("tsx/cli", { paths: [root] }),
        tsc: require.resolve("typescript/bin/tsc", { paths: [root] }),
        versions: {
            tsx: packageVersion("tsx"),
            typescript: packageVersion("typescript"),
            vitest: packageVersion("vitest"),
            "@pulumi/pulumi": packageVersion("@pulumi/pulumi"),
        },
    };
}

// ---------------------------------------------------------------------------------------------
// The machine.

interface Machine {
    cores: number;
    cpu: string;
    memoryGiB: number;
    os: string;
    cpuQuota?: string;
    loadStart: number[];
    loadEnd?: number[];
}

function cpuModel(): string {
    try {
        const info = fs.readFileSync("/proc/cpuinfo", "utf8");
        const match = /^model name\s*:\s*(.+)$/m.exec(info);
        if (match) return match[1].trim();
    } catch {
        // Not Linux: fall back to what Node reports.
    }
    return os.cpus()[0]?.model ?? "unknown";
}

function cpuQuota(): string | undefined {
    try {
        const [quota, period] = fs.readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(" ");
        if (quota === "max") return undefined;
        return `${(Number(quota) / Number(period)).toFixed(2)} CPUs (cgroup cpu.max)`;
    } catch {
        return undefined;
    }
}

function describeMachine(): Machine {
    return {
        cores: os.availableParallelism(),
        cpu: cpuModel(),
        memoryGiB: os.totalmem() / 1024 ** 3,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        cpuQuota: cpuQuota(),
        loadStart: os.loadavg(),
    };
}

// ---------------------------------------------------------------------------------------------
// What is measured.

interface StackTarget {
    id: string;
    /** Arguments that select the stack, for cli/plan.ts and bench/deps.ts. */
    args: string[];
    file: string;
}

/** Pulumi.<name>.yaml next to Pulumi.yaml, then examples/Pulumi.<name>.yaml, found now. */
function discoverStacks(): StackTarget[] {
    const pattern = /^Pulumi\.(.+)\.ya?ml$/;
    const list = (dir: string) =>
        fs.existsSync(path.join(root, dir))
            ? fs
                  .readdirSync(path.join(root, dir))
                  .filter((f) => pattern.test(f))
                  .sort()
            : [];
    const own = list(".").map((f) => {
        const name = pattern.exec(f)?.[1] as string;
        return { id: name, args: ["--stack", name], file: f };
    });
    const examples = list("examples").map((f) => {
        const name = pattern.exec(f)?.[1] as string;
        const file = path.posix.join("examples", f);
        return { id: `examples/${name}`, args: ["--stack-file", file], file };
    });
    return [...own, ...examples];
}

interface Measurement {
    id: string;
    label: string;
    kind: "floor" | "plan" | "tests" | "typecheck";
    warmup?: RunResult;
    runs: RunResult[];
    /** Why the measurement has no valid runs, when it has none. */
    error?: string;
}

const mb = (kib: number) => (kib * 1024) / 1e6;

/**
 * Exit codes of a run that did the whole work and so counts: a plan whose wiring checks fail
 * (1) ran the whole program, a suite with failing tests (1) ran every test, and tsc reports
 * type errors (1, 2) after checking everything. Such runs are counted and flagged.
 */
function okCodes(kind: Measurement["kind"]): number[] {
    switch (kind) {
        case "plan":
        case "tests":
            return [0, 1];
        case "typecheck":
            return [0, 1, 2];
        default:
            return [0];
    }
}

const nonZeroMeaning: Record<Measurement["kind"], string> = {
    floor: "failed",
    plan: "wiring checks failed",
    tests: "failing tests",
    typecheck: "type errors",
};

function valid(m: Measurement): RunResult[] {
    return m.runs.filter((r) => !r.timedOut && r.code !== null && okCodes(m.kind).includes(r.code));
}

function wall(m: Measurement): Summary | undefined {
    return summarize(valid(m).map((r) => r.wallMs / 1000));
}

function rss(m: Measurement): Summary | undefined {
    return summarize(
        valid(m)
            .map((r) => r.peakRssKiB)
            .filter((v): v is number => v !== undefined)
            .map(mb),
    );
}

function firstErrorLine(r: RunResult): string {
    const lines = r.tail
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const error = lines.find((l) => /^error\b/i.test(l)) ?? lines[lines.length - 1] ?? "";
    const why = r.timedOut ? "timed out" : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
    return error ? `${why}: ${error}` : why;
}

function progress(text: string): void {
    process.stderr.write(`[bench] ${text}\n`);
}

function describeRun(r: RunResult): string {
    const parts = [`${(r.wallMs / 1000).toFixed(2)} s`];
    if (r.peakRssKiB !== undefined) parts.push(`${mb(r.peakRssKiB).toFixed(0)} MB`);
    if (r.code !== 0) parts.push(`exit ${r.code ?? r.signal}`);
    return parts.join(", ");
}

// ---------------------------------------------------------------------------------------------
// The analysis of the plan JSON.

interface StackResult {
    stack: StackTarget;
    analysis?: StackAnalysis;
    byUrn: Map<string, PlanResource>;
    error?: string;
}

function analyse(stack: StackTarget, planJson: string, depsJson: string | undefined): StackResult {
    const empty = new Map<string, PlanResource>();
    if (!fs.existsSync(planJson)) return { stack, byUrn: empty, error: "the plan wrote no JSON" };
    const plan = JSON.parse(fs.readFileSync(planJson, "utf8")) as { resources: PlanResource[] };
    let propertyDependencies: Map<string, Record<string, string[]>> | undefined;
    let error: string | undefined;
    if (depsJson && fs.existsSync(depsJson)) {
        const records = JSON.parse(fs.readFileSync(depsJson, "utf8")) as PropertyDependencyRecord[];
        propertyDependencies = new Map(records.map((r) => [r.urn, r.propertyDependencies]));
        // The capture and the plan ran the same program on the same config: same graph.
        const planUrns = plan.resources.map((r) => r.urn).sort();
        const capturedUrns = records.map((r) => r.urn).sort();
        if (JSON.stringify(planUrns) !== JSON.stringify(capturedUrns)) {
            error = "the capture registered other resources than the plan; edges unclassified";
            propertyDependencies = undefined;
        }
    }
    try {
        return {
            stack,
            analysis: analyseStack(plan.resources, propertyDependencies),
            byUrn: new Map(plan.resources.map((r) => [r.urn, r])),
            error,
        };
    } catch (e) {
        return { stack, byUrn: empty, error: (e as Error).message };
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

interface Verdict {
    target: string;
    measured: string;
    pass: boolean | undefined;
}

function verdicts(measurements: Measurement[], machine: Machine): Verdict[] {
    const floor = measurements.find((m) => m.kind === "floor");
    const floorWall = floor ? wall(floor) : undefined;
    const out: Verdict[] = [];
    for (const m of measurements.filter((x) => x.kind === "plan")) {
        const w = wall(m);
        const r = rss(m);
        out.push({
            target: `plan ${m.id}: median ≤ ${targets.planToFloor}× floor`,
            measured:
                w && floorWall
                    ? `${(w.median / floorWall.median).toFixed(2)}× (${w.median.toFixed(2)} s / ${floorWall.median.toFixed(2)} s)`
                    : (m.error ?? "no valid run"),
            pass: w && floorWall ? w.median / floorWall.median <= targets.planToFloor : undefined,
        });
        out.push({
            target: `plan ${m.id}: peak RSS ≤ ${targets.planPeakRssMB} MB`,
            measured: r ? `${r.max.toFixed(0)} MB (highest of ${r.n} runs)` : (m.error ?? "n/a"),
            pass: r ? r.max <= targets.planPeakRssMB : undefined,
        });
    }
    const tests = measurements.find((m) => m.kind === "tests");
    if (tests) {
        const w = wall(tests);
        const failing = valid(tests).filter((r) => r.code !== 0).length;
        const notes = [
            machine.cores === targets.testsCores
                ? ""
                : `on ${machine.cores} cores; the target is for ${targets.testsCores}`,
            failing > 0 ? `failing tests in ${failing}/${tests.runs.length} runs` : "",
        ].filter(Boolean);
        out.push({
            target: `npm test: median wall ≤ ${targets.testsWallSeconds} s on a ${targets.testsCores}-core machine`,
            measured: w
                ? `${w.median.toFixed(1)} s${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`
                : tests.runs[0]
                  ? `no run completed (${firstErrorLine(tests.runs[0])})`
                  : "skipped",
            pass: w ? w.median <= targets.testsWallSeconds : undefined,
        });
    }
    return out;
}

function verdictWord(v: Verdict): string {
    return v.pass === undefined ? "N/A " : v.pass ? "PASS" : "MISS";
}

interface Row {
    label: string;
    runs: string;
    median: string;
    min: string;
    max: string;
    ratio: string;
    rssMedian: string;
    rssMax: string;
    note: string;
}

function rows(measurements: Measurement[]): Row[] {
    const floor = measurements.find((m) => m.kind === "floor");
    const floorWall = floor ? wall(floor) : undefined;
    return measurements.map((m) => {
        const w = wall(m);
        const r = rss(m);
        const good = valid(m);
        const broken = m.runs.filter((x) => !good.includes(x));
        const flagged = good.filter((x) => x.code !== 0);
        const notes: string[] = [];
        if (m.error) notes.push(m.error);
        if (broken.length > 0) {
            notes.push(`${broken.length} run(s) not counted: ${firstErrorLine(broken[0])}`);
        }
        if (flagged.length > 0) {
            notes.push(
                `${nonZeroMeaning[m.kind]} in ${flagged.length}/${m.runs.length} runs (exit ${flagged[0].code})`,
            );
        }
        const seconds = (v: number) => `${v.toFixed(2)} s`;
        return {
            label: m.label,
            runs: String(valid(m).length),
            median: w ? seconds(w.median) : "—",
            min: w ? seconds(w.min) : "—",
            max: w ? seconds(w.max) : "—",
            ratio:
                w && floorWall && m.kind !== "tests" && m.kind !== "typecheck"
                    ? `${(w.median / floorWall.median).toFixed(2)}×`
                    : "",
            rssMedian: r ? `${r.median.toFixed(0)} MB` : "",
            rssMax: r ? `${r.max.toFixed(0)} MB` : "",
            note: notes.join("; "),
        };
    });
}

const headers: Row = {
    label: "measurement",
    runs: "runs",
    median: "median",
    min: "min",
    max: "max",
    ratio: "× floor",
    rssMedian: "RSS median",
    rssMax: "RSS max",
    note: "note",
};
const columns = Object.keys(headers) as (keyof Row)[];

function textTable(data: Row[]): string {
    const widths = columns.map((c) => Math.max(...[headers, ...data].map((r) => r[c].length)));
    const line = (r: Row) =>
        columns
            .map((c, i) =>
                i === 0 || c === "note" ? r[c].padEnd(widths[i]) : r[c].padStart(widths[i]),
            )
            .join("  ")
            .trimEnd();
    return [line(headers), ...data.map(line)].join("\n");
}

function markdownTable(head: string[], body: string[][]): string {
    const esc = (s: string) => s.replace(/\|/g, "\\|");
    return [
        `| ${head.map(esc).join(" | ")} |`,
        `| ${head.map(() => "---").join(" | ")} |`,
        ...body.map((r) => `| ${r.map(esc).join(" | ")} |`),
    ].join("\n");
}

function secondsRange(c: Chain): string {
    return `${c.typical.toFixed(0)} s typical (${c.low.toFixed(0)}–${c.high.toFixed(0)} s)`;
}

function chainLines(result: StackResult, chain: Chain): string[] {
    return chain.urns.map((urn, i) => {
        const r = result.byUrn.get(urn) as PlanResource;
        const e = estimateFor(r.type);
        const edge = i === 0 ? "start" : `← ${describeEdge(chain.edges[i - 1])}`;
        return `${String(i + 1).padStart(4)}. ${label(r)}  ~${e.typical} s  [${edge}]`;
    });
}

function sameChain(a: Chain, b: Chain): boolean {
    return a.urns.join("\n") === b.urns.join("\n");
}

function unjustified(result: StackResult, chain: Chain): string[] {
    return chain.edges
        .filter((e) => !e.justified)
        .map((e) => {
            const from = result.byUrn.get(e.from) as PlanResource;
            const to = result.byUrn.get(e.to) as PlanResource;
            return `${label(to)} ← ${label(from)} (${describeEdge(e)})`;
        });
}

function stackText(result: StackResult): string {
    const lines = [`Stack ${result.stack.id} (${result.stack.file}):`];
    const a = result.analysis;
    if (!a) {
        lines.push(`  no analysis: ${result.error ?? "the plan failed"}`);
        return lines.join("\n");
    }
    if (result.error) lines.push(`  note: ${result.error}`);
    lines.push(
        `  ${a.resources} resources to create: ${a.custom} cloud or cluster resources, ${a.resources - a.custom} components and stack.`,
        `  Critical path, longest by count: ${a.byCount.urns.length} resources, ESTIMATED ${secondsRange(a.byCount)}`,
        ...chainLines(result, a.byCount),
    );
    if (!sameChain(a.byCount, a.byTime)) {
        lines.push(
            `  Longest by estimated time: ${a.byTime.urns.length} resources, ESTIMATED ${secondsRange(a.byTime)}`,
            ...chainLines(result, a.byTime),
        );
    } else {
        lines.push("  (the same chain is also the longest by estimated time)");
    }
    const bad = [...unjustified(result, a.byCount), ...unjustified(result, a.byTime)];
    lines.push(
        `  Unjustified edges on the critical path: ${bad.length === 0 ? "none" : [...new Set(bad)].join("; ")}`,
    );
    const explicitBad = a.explicitEdges.filter((e) => !e.justified);
    lines.push(
        `  Explicit (non-data) dependency edges in the whole graph: ${a.explicitEdges.length}, unjustified: ${explicitBad.length === 0 ? "none" : explicitBad.map((e) => `${label(result.byUrn.get(e.to) as PlanResource)} ← ${label(result.byUrn.get(e.from) as PlanResource)}`).join("; ")}`,
    );
    if (a.unlistedTypes.length > 0) {
        lines.push(`  Types without an estimate (assumed 5 s): ${a.unlistedTypes.join(", ")}`);
    }
    return lines.join("\n");
}

interface Report {
    date: string;
    command: string;
    machine: Machine;
    tools: Tools;
    options: Options;
    totalSeconds: number;
    measurements: Measurement[];
    stacks: StackResult[];
}

function machineLines(r: Report): string[] {
    const m = r.machine;
    return [
        `Date: ${r.date}`,
        `Command: ${r.command}`,
        `Machine: ${m.cores} cores (nproc), ${m.cpu}, ${m.memoryGiB.toFixed(1)} GiB RAM, ${m.os}${m.cpuQuota ? `, limited to ${m.cpuQuota}` : ""}`,
        `Node: ${r.tools.nodeVersion} (${path.relative(root, r.tools.node) || r.tools.node}), ${Object.entries(
            r.tools.versions,
        )
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")}`,
        `Load average (1/5/15 min) at start: ${m.loadStart.map((v) => v.toFixed(2)).join(" ")}; at end: ${(m.loadEnd ?? []).map((v) => v.toFixed(2)).join(" ")}`,
        `Runs: ${r.options.runs} per floor/plan, ${r.options.testRuns} tests, ${r.options.typecheckRuns} typecheck, each after one warm-up; bench took ${r.totalSeconds.toFixed(0)} s`,
    ];
}

function renderText(r: Report): string {
    const out: string[] = [];
    out.push(...machineLines(r), "");
    out.push(textTable(rows(r.measurements)), "");
    out.push(
        "RSS: peak resident set size (ru_maxrss) of the process running the script, MB = 10^6 bytes.",
    );
    out.push("");
    out.push("Targets:");
    for (const v of verdicts(r.measurements, r.machine)) {
        out.push(`  ${verdictWord(v)}  ${v.target}: ${v.measured}`);
    }
    out.push("");
    out.push("Critical path of `pulumi up` (times are ESTIMATES from bench/estimates.ts):");
    for (const s of r.stacks) out.push("", stackText(s));
    return `${out.join("\n")}\n`;
}

export const markers = {
    begin: "<!-- bench:begin: generated by `npm run bench -- --markdown BENCHMARKS.md`; edits here are overwritten -->",
    end: "<!-- bench:end -->",
};

function renderMarkdown(r: Report): string {
    const out: string[] = [markers.begin, "", "## Latest run", ""];
    out.push(...machineLines(r).map((l) => `- ${l.replace(/^([^:]+):/, "**$1**:")}`), "");
    out.push("### Measurements", "");
    const data = rows(r.measurements);
    out.push(
        markdownTable(
            columns.map((c) => headers[c]),
            data.map((row) => columns.map((c) => row[c])),
        ),
        "",
        "Wall time from spawn to exit of the child; RSS is the peak resident set size (ru_maxrss) of the",
        "process that runs the script (MB = 10^6 bytes); × floor is the ratio of medians.",
        "",
    );
    out.push("### Targets", "");
    out.push(
        markdownTable(
            ["target", "measured", "verdict"],
            verdicts(r.measurements, r.machine).map((v) => [
                v.target,
                v.measured,
                verdictWord(v).trim(),
            ]),
        ),
        "",
    );
    out.push("### Critical path of `pulumi up` per stack", "");
    out.push(
        "The longest chain of resources that must be created one after another (dependencies, the",
        "provider edge, a custom parent). Seconds are **estimates** from the table below, not",
        "measurements; the range sums the low and high estimates along the same chain.",
        "",
    );
    for (const s of r.stacks) {
        out.push(`#### ${s.stack.id} (\`${s.stack.file}\`)`, "");
        const a = s.analysis;
        if (!a) {
            out.push(`No analysis: ${s.error ?? "the plan failed"}.`, "");
            continue;
        }
        if (s.error) out.push(`Note: ${s.error}.`, "");
        const chainTable = (c: Chain, title: string) => {
            out.push(`${title}: ${c.urns.length} resources, estimated ${secondsRange(c)}.`, "");
            out.push(
                markdownTable(
                    ["#", "resource", "type", "estimate", "edge from the previous"],
                    c.urns.map((urn, i) => {
                        const res = s.byUrn.get(urn) as PlanResource;
                        const e = estimateFor(res.type);
                        return [
                            String(i + 1),
                            res.name,
                            `\`${res.type}\``,
                            `~${e.typical} s (${e.low}–${e.high})`,
                            i === 0 ? "start" : describeEdge(c.edges[i - 1]),
                        ];
                    }),
                ),
                "",
            );
        };
        chainTable(a.byCount, "Longest by count");
        if (sameChain(a.byCount, a.byTime)) {
            out.push("The same chain is also the longest by estimated time.", "");
        } else {
            chainTable(a.byTime, "Longest by estimated time");
        }
        const bad = [...new Set([...unjustified(s, a.byCount), ...unjustified(s, a.byTime)])];
        out.push(
            `Unjustified edges on the critical path: ${bad.length === 0 ? "**none**" : bad.join("; ")}.`,
            "",
        );
    }
    out.push("### Edge analysis: every explicit (non-data) dependency", "");
    out.push(
        "An edge is **data** when the capture (`captureProgram`, per-property dependencies) lists the",
        "dependency under one of the dependent's input properties; otherwise it is **explicit**",
        "(`dependsOn`) and needs a documented constraint. Provider and parent edges are structural.",
        "",
    );
    for (const s of r.stacks) {
        const a = s.analysis;
        if (!a) continue;
        const bad = a.explicitEdges.filter((e) => !e.justified);
        out.push(
            `**${s.stack.id}**: ${a.explicitEdges.length} explicit edges, unjustified: ${bad.length === 0 ? "none" : bad.length}.`,
            "",
        );
        if (a.explicitEdges.length > 0) {
            out.push(
                markdownTable(
                    ["dependent", "waits for", "verdict"],
                    a.explicitEdges.map((e) => [
                        label(s.byUrn.get(e.to) as PlanResource),
                        label(s.byUrn.get(e.from) as PlanResource),
                        describeEdge(e),
                    ]),
                ),
                "",
            );
        }
    }
    out.push("### Provisioning time estimates", "");
    out.push(
        "Typical time from the create request until Pulumi considers the resource created. These are",
        "estimates (public documentation and experience), not measurements; they live in",
        "`bench/estimates.ts`. Component resources and the stack count 0 s.",
        "",
    );
    out.push(
        markdownTable(
            ["type", "low", "typical", "high", "why"],
            Object.entries(provisioningTimes).map(([type, e]) => [
                `\`${type}\``,
                `${e.low} s`,
                `${e.typical} s`,
                `${e.high} s`,
                e.reason,
            ]),
        ),
        "",
    );
    out.push("### Documented ordering constraints", "");
    out.push(
        markdownTable(
            ["dependent", "waits for", "why"],
            orderingConstraints.map((c) => [c.dependent, c.dependency, c.reason]),
        ),
        "",
        markers.end,
    );
    return `${out.join("\n")}\n`;
}

function writeMarkdown(file: string, section: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    let content: string;
    if (existing === undefined) {
        content = `# Benchmarks\n\n${section}`;
    } else {
        const begin = existing.indexOf("<!-- bench:begin");
        const end = existing.indexOf(markers.end);
        content =
            begin >= 0 && end > begin
                ? existing.slice(0, begin) +
                  section +
                  existing.slice(end + markers.end.length).replace(/^\n/, "")
                : `${existing.trimEnd()}\n\n${section}`;
    }
    fs.writeFileSync(file, content);
}

// ---------------------------------------------------------------------------------------------
// The run.

function commandLine(argv: string[]): string {
    const args = argv.length > 0 ? ` -- ${argv.join(" ")}` : "";
    return process.env.npm_lifecycle_event === "bench"
        ? `npm run bench${args}`
        : `tsx bench/bench.ts${argv.length > 0 ? ` ${argv.join(" ")}` : ""}`;
}

async function main(argv: string[]): Promise<number> {
    let options: Options | "help";
    try {
        options = parseOptions(argv);
    } catch (error) {
        process.stderr.write(`error: ${(error as Error).message}\n${usage}\n`);
        return 2;
    }
    if (options === "help") {
        process.stdout.write(`${usage}\n`);
        return 0;
    }
    const opts = options;
    const started = Date.now();
    const machine = describeMachine();
    const tools = resolveTools();
    const stacks = discoverStacks();
    const scratch = makeScratch();
    // Removed however the bench ends: done, failed or interrupted.
    process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));
    progress(
        `${machine.cores} cores, ${machine.cpu}; node ${tools.nodeVersion}; stacks: ${stacks.map((s) => s.id).join(", ")}`,
    );

    const tsx = (script: string, args: string[], json?: string): RunSpec => ({
        command: tools.node,
        args: [tools.tsxCli, script, ...args, ...(json ? ["--json", json] : [])],
        cwd: root,
        rss: { script },
        timeoutMs: planTimeoutMs,
    });
    const floor: Measurement = { id: "floor", label: "floor", kind: "floor", runs: [] };
    const plans: Measurement[] = stacks.map((s) => ({
        id: s.id,
        label: `plan ${s.id}`,
        kind: "plan",
        runs: [],
    }));
    const planJson = (i: number) => path.join(scratch, `plan-${i}.json`);
    const depsJson = (i: number) => path.join(scratch, `deps-${i}.json`);
    const total =
        (opts.runs + 1) * (1 + stacks.length) +
        stacks.length +
        (opts.testRuns > 0 ? opts.testRuns + 1 : 0) +
        (opts.typecheckRuns > 0 ? opts.typecheckRuns + 1 : 0);
    let step = 0;
    const run = async (what: string, spec: RunSpec) => {
        step += 1;
        const result = await runOnce(spec, scratch);
        progress(`${String(step).padStart(3)}/${total} ${what}: ${describeRun(result)}`);
        return result;
    };

    // Warm-up round: also writes each plan's JSON and captures its property dependencies.
    floor.warmup = await run("warm-up floor", tsx("bench/floor.ts", []));
    const depsOk: boolean[] = [];
    for (const [i, s] of stacks.entries()) {
        const m = plans[i];
        m.warmup = await run(
            `warm-up plan ${s.id} (--json)`,
            tsx("cli/plan.ts", s.args, planJson(i)),
        );
        if (m.warmup.code === null || !okCodes("plan").includes(m.warmup.code)) {
            m.error = firstErrorLine(m.warmup);
        }
        const deps = await run(
            `property dependencies of ${s.id}`,
            tsx("bench/deps.ts", [...s.args, "--out", depsJson(i)]),
        );
        depsOk.push(deps.code === 0);
    }
    if (floor.warmup.code !== 0) floor.error = firstErrorLine(floor.warmup);

    for (let round = 1; round <= opts.runs; round++) {
        if (!floor.error)
            floor.runs.push(
                await run(`round ${round}/${opts.runs} floor`, tsx("bench/floor.ts", [])),
            );
        for (const [i, s] of stacks.entries()) {
            const m = plans[i];
            if (m.error) continue;
            m.runs.push(
                await run(`round ${round}/${opts.runs} plan ${s.id}`, tsx("cli/plan.ts", s.args)),
            );
        }
    }

    const suite = async (
        m: Measurement,
        runs: number,
        spec: RunSpec,
    ): Promise<Measurement | undefined> => {
        if (runs === 0) return undefined;
        m.warmup = await run(`warm-up ${m.label}`, spec);
        for (let i = 1; i <= runs; i++) m.runs.push(await run(`${m.label} ${i}/${runs}`, spec));
        return m;
    };
    const tests = await suite(
        { id: "tests", label: "tests (npm test)", kind: "tests", runs: [] },
        opts.testRuns,
        { command: "npm", args: ["test"], cwd: root, timeoutMs: suiteTimeoutMs },
    );
    const typecheck = await suite(
        { id: "typecheck", label: "typecheck (tsc --noEmit)", kind: "typecheck", runs: [] },
        opts.typecheckRuns,
        {
            command: tools.node,
            args: [tools.tsc, "--noEmit"],
            cwd: root,
            timeoutMs: suiteTimeoutMs,
        },
    );
    machine.loadEnd = os.loadavg();

    const stackResults = stacks.map((s, i) =>
        plans[i].error
            ? { stack: s, byUrn: new Map<string, PlanResource>(), error: plans[i].error }
            : analyse(s, planJson(i), depsOk[i] ? depsJson(i) : undefined),
    );
    const report: Report = {
        date: new Date().toISOString(),
        command: commandLine(argv),
        machine,
        tools,
        options: opts,
        totalSeconds: (Date.now() - started) / 1000,
        measurements: [
            floor,
            ...plans,
            ...(tests ? [tests] : []),
            ...(typecheck ? [typecheck] : []),
        ],
        stacks: stackResults,
    };
    process.stdout.write(renderText(report));

    if (opts.markdown) {
        writeMarkdown(opts.markdown, renderMarkdown(report));
        progress(`wrote ${opts.markdown}`);
    }
    fs.mkdirSync(path.dirname(opts.results), { recursive: true });
    fs.writeFileSync(
        opts.results,
        `${JSON.stringify(
            {
                ...report,
                stacks: report.stacks.map((s) => ({
                    stack: s.stack,
                    analysis: s.analysis,
                    error: s.error,
                })),
            },
            null,
            2,
        )}\n`,
    );
    progress(`raw results in ${path.relative(process.cwd(), opts.results)}`);
    return floor.error || plans.every((m) => m.error) ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
        stopRunning();
        process.exit(130);
    });
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error) => {
        stopRunning();
        process.stderr.write(
            `error: the bench failed: ${(error as Error).stack ?? String(error)}\n`,
        );
        process.exitCode = 1;
    },
);
