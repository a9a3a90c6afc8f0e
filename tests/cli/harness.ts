/**
 * Runs the offline plan the way a user does, as a child process, and reads what it printed and
 * wrote; also runs it in-process through `main(argv, io)` for suites that need many runs.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/plan";

export const projectDir = path.resolve(__dirname, "..", "..");
const tsxCli = createRequire(path.join(projectDir, "package.json")).resolve("tsx/cli");

export interface PlanRun {
    args: string[];
    /** Exit code; null when the process was killed. */
    code: number | null;
    stdout: string;
    stderr: string;
    ms: number;
}

/** Spawned plans at once: more than the cores only makes each one slower. */
const slots = Math.max(2, os.availableParallelism());
let running = 0;
const queue: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= slots) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
        return await work();
    } finally {
        running--;
        queue.shift()?.();
    }
}

/** `tsx cli/plan.ts <args>` in the project directory, as `npm run plan -- <args>` runs it. */
export function spawnPlan(args: string[], timeoutMs = 90_000): Promise<PlanRun> {
    return slot(
        () =>
            new Promise<PlanRun>((resolve) => {
                const started = Date.now();
                const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
                delete env.WIZ_INFRA_DEBUG;
                const child = spawn(process.execPath, [tsxCli, "cli/plan.ts", ...args], {
                    cwd: projectDir,
                    env,
                    stdio: ["ignore", "pipe", "pipe"],
                    timeout: timeoutMs,
                });
                let stdout = "";
                let stderr = "";
                child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
                    stdout += chunk;
                });
                child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
                    stderr += chunk;
                });
                const done = (code: number | null) =>
                    resolve({ args, code, stdout, stderr, ms: Date.now() - started });
                child.on("error", (error) => {
                    stderr += `spawn failed: ${error.message}\n`;
                    done(null);
                });
                child.on("close", (code) => done(code));
            }),
    );
}

/** The same CLI through its exported entry, in this process. */
export async function planInProcess(args: string[]): Promise<PlanRun> {
    const started = Date.now();
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
        stdout: (text) => {
            stdout += text;
        },
        stderr: (text) => {
            stderr += text;
        },
    });
    return { args, code, stdout, stderr, ms: Date.now() - started };
}

/** A fresh directory under the OS temp dir; `removeTempDirs` deletes every one made. */
const tempDirs: string[] = [];
export function makeTempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wiz-infra-${prefix}-`));
    tempDirs.push(dir);
    return dir;
}
export function removeTempDirs(): void {
    for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Every file under a directory, as relative path → content. */
export function readTree(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    if (!fs.existsSync(dir)) return files;
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const full = path.join(entry.parentPath, entry.name);
        files[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
    return files;
}

/** Deep copy with object keys in default sort order. */
export function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortedKeys);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

/** Lines of a stack trace, as Node prints them. */
export const stackTraceLine = /^\s+at \S/m;

/** What only the plan's tree and summary print. */
export const treeMarkers = /Offline plan of|Resources: \+|├─|└─|pulumi:pulumi:Stack|^Checks:/m;

export interface TreeRow {
    depth: number;
    /** `├─`, `└─`, or "" for the root. */
    branch: string;
    /** Indentation groups above the branch: `│` where an ancestor has later siblings. */
    rails: string[];
    type: string;
    name: string;
    notes: string;
    parent?: TreeRow;
}

/** Parses the `+ type name` rows of the plan's tree and links each row to its parent row. */
export function parseTree(text: string): TreeRow[] {
    const lines = text.split("\n");
    const header = lines.findIndex((l) => /^\s+Type\s+Name$/.test(l));
    if (header < 0) throw new Error("no tree header in the plan output");
    const rows: TreeRow[] = [];
    const open: TreeRow[] = [];
    for (const line of lines.slice(header + 1)) {
        if (line.trim() === "") break;
        const m = /^ \+ {3}((?:│ {2}| {3})*)(├─ |└─ )?(\S+)\s+(\S+)(?: {2}\[(.+)\])?$/.exec(line);
        if (!m) throw new Error(`not a tree row: ${JSON.stringify(line)}`);
        const rails = (m[1].match(/.{3}/g) ?? []).map((g) => g.trim());
        const depth = m[2] ? rails.length + 1 : 0;
        const row: TreeRow = {
            depth,
            branch: (m[2] ?? "").trim(),
            rails,
            type: m[3],
            name: m[4],
            notes: m[5] ?? "",
            parent: depth > 0 ? open[depth - 1] : undefined,
        };
        if (depth > 0 && !row.parent) throw new Error(`row without a parent: ${line}`);
        open[depth] = row;
        open.length = depth + 1;
        rows.push(row);
    }
    return rows;
}

/** The lines of a `Title:` section of the summary, up to the next blank line. */
export function section(text: string, title: string): string[] {
    const lines = text.split("\n");
    const start = lines.indexOf(`${title}:`);
    if (start < 0) return [];
    const end = lines.findIndex((l, i) => i > start && l.trim() === "");
    return lines.slice(start + 1, end < 0 ? undefined : end);
}
