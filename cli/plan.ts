/**
 * The offline plan: runs the real program for a stack under Pulumi's mock runtime and shows
 * what `pulumi up` would create, with no CLI, no cloud, no cluster and no secret values.
 *
 *   npm run plan -- --stack dev [--json <file|->] [--mermaid <file|->] [--out <dir>] [--cwd <dir>]
 *
 * Exit codes: 0 every check passed; 1 a check failed; 2 invalid config or arguments; 3 the plan
 * itself failed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { type CheckResult, runWiringChecks, WiringError } from "../lib/checks";
import { ClusterPreflightError } from "../lib/preflight";
import { ConfigError } from "../stacks/config";
import { type Capture, captureStack } from "./capture";
import { invocationDir, outputProblem, repeatedOption } from "./commandLine";
import { buildReport, renderMermaid, renderObjects, renderTree, reportJson } from "./report";
import { readStack, UsageError } from "./stackFiles";
import { wiringFromCapture } from "./wiring";

export const usage = `Usage: npm run plan -- --stack <name> [options]

Runs the program for Pulumi.<name>.yaml under simulated providers and prints what
\`pulumi up\` would create, the wiring checks, and the stack outputs.

Options:
  --stack <name>        stack to plan (reads Pulumi.<name>.yaml)
  --stack-file <path>   plan this stack file instead of --stack (the stack name comes from
                        its file name, Pulumi.<name>.yaml)
  --cwd <dir>           project directory holding Pulumi.yaml (default: this project)
  --json <file|->       write the plan as JSON
  --mermaid <file|->    write the dependency graph as a Mermaid flowchart
  --out <dir>           write the rendered Kubernetes objects and Helm values as YAML
  -h, --help            show this help

Relative paths are taken from the directory npm was started in.

Exit codes: 0 checks passed, 1 a check failed, 2 invalid config or arguments, 3 plan error.`;

export const exitCodes = { ok: 0, checkFailed: 1, invalid: 2, planError: 3 } as const;

interface Outputs {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

/** A file the plan could not write: the user's argument is wrong, not the plan. */
class OutputError extends Error {}

/** Where a file went, as the user would type it: relative to `from` when it lies below it. */
function shown(target: string, from: string): string {
    const relative = path.relative(from, target);
    return relative.startsWith("..") || path.isAbsolute(relative) ? target : relative;
}

function write(target: string, content: string, io: Outputs, written: string[]): void {
    if (target === "-") {
        io.stdout(content);
        return;
    }
    try {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new OutputError(`cannot write ${target} (${reason})`);
    }
    written.push(target);
}

/** A command line the plan can run: paths absolute, outputs known to be writable. */
interface PlanArguments {
    projectDir: string;
    stack?: string;
    stackFile?: string;
    /** A file, `-` for stdout, or undefined. */
    json?: string;
    mermaid?: string;
    out?: string;
}

/** Why a command line can't be planned (lines for stderr), or `help`. */
type Refusal = { errors: string[]; withUsage?: boolean } | "help";

/** Reads and checks the command line; relative paths are resolved against `from`. */
function readArguments(argv: string[], from: string): PlanArguments | Refusal {
    let parsed: ReturnType<typeof parse>;
    const parse = (a: string[]) =>
        parseArgs({
            args: a,
            strict: true,
            allowPositionals: false,
            tokens: true,
            options: {
                stack: { type: "string" },
                "stack-file": { type: "string" },
                cwd: { type: "string" },
                json: { type: "string" },
                mermaid: { type: "string" },
                out: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        });
    try {
        parsed = parse(argv);
    } catch (error) {
        // One line: parseArgs explains some mistakes over several.
        return { errors: [(error as Error).message.split("\n").join(" ")], withUsage: true };
    }
    const opts = parsed.values;
    const repeated = repeatedOption(parsed.tokens);
    if (repeated) return { errors: [`--${repeated} is given more than once`] };
    const empty = Object.entries(opts).find(([, v]) => typeof v === "string" && v.trim() === "");
    if (empty) return { errors: [`--${empty[0]} needs a value`] };
    if (opts.help) return "help";
    if (!opts.stack && !opts["stack-file"])
        return { errors: ["--stack is required (or --stack-file)"], withUsage: true };
    if (opts.stack && opts["stack-file"])
        return { errors: ["give --stack or --stack-file, not both"] };
    if (opts.json === "-" && opts.mermaid === "-")
        return { errors: ["only one of --json and --mermaid can write to stdout (-)"] };

    const resolve = (p: string | undefined) => (p === undefined ? p : path.resolve(from, p));
    const output = (p: string | undefined) => (p === "-" ? p : resolve(p));
    const args: PlanArguments = {
        projectDir: resolve(opts.cwd) ?? process.cwd(),
        stack: opts.stack,
        stackFile: resolve(opts["stack-file"]),
        json: output(opts.json),
        mermaid: output(opts.mermaid),
        out: resolve(opts.out),
    };
    const problems = outputProblems(args);
    return problems.length > 0 ? { errors: problems } : args;
}

/** Outputs that can't be written, or that would overwrite an input or each other. */
function outputProblems(args: PlanArguments): string[] {
    const inputs = [
        args.stackFile ?? path.join(args.projectDir, `Pulumi.${args.stack}.yaml`),
        path.join(args.projectDir, "Pulumi.yaml"),
    ];
    const files: [flag: string, file: string][] = [];
    if (args.json && args.json !== "-") files.push(["--json", args.json]);
    if (args.mermaid && args.mermaid !== "-") files.push(["--mermaid", args.mermaid]);
    const problems: string[] = [];
    for (const [flag, file] of files) {
        const problem = outputProblem(file, false);
        if (problem) problems.push(`${flag}: cannot write: ${problem}`);
        if (inputs.includes(file)) problems.push(`${flag}: ${file} is an input of the plan`);
        if (args.out && !path.relative(args.out, file).startsWith(".."))
            problems.push(`${flag}: ${file} is inside --out ${args.out}, which the plan fills`);
    }
    if (files.length === 2 && files[0][1] === files[1][1])
        problems.push(`--json and --mermaid both name ${files[0][1]}`);
    if (args.out) {
        const problem = outputProblem(args.out, true);
        if (problem) problems.push(`--out: cannot write: ${problem}`);
    }
    return problems;
}

/**
 * Runs the plan for a command line. `from` is the directory relative paths are resolved
 * against; the project directory defaults to the current one (the package root under npm).
 */
export async function main(argv: string[], io: Outputs, from = process.cwd()): Promise<number> {
    const args = readArguments(argv, from);
    if (args === "help") {
        io.stdout(`${usage}\n`);
        return exitCodes.ok;
    }
    if ("errors" in args) {
        for (const error of args.errors) io.stderr(`error: ${error}\n`);
        if (args.withUsage) io.stderr(`${usage}\n`);
        return exitCodes.invalid;
    }
    const { json, mermaid, out } = args;
    // With machine output on stdout, the human summary goes to stderr.
    const say = json === "-" || mermaid === "-" ? io.stderr : io.stdout;

    let capture: Capture;
    let meta: { project: string; stack: string };
    try {
        const input = readStack(args);
        meta = { project: input.project, stack: input.stack };
        capture = await captureStack(input);
    } catch (error) {
        return reportFailure(error, io, say);
    }

    const model = wiringFromCapture(capture.resources);
    const checks: CheckResult[] = [
        {
            name: "cluster-preflight",
            ok: true,
            // The plan has no cluster to look at: `pulumi up` checks the real one.
            detail: "OIDC issuer, workload identity and the Key Vault CSI add-on are on in the simulated cluster (pulumi up checks the real one)",
        },
        ...("missing" in model
            ? [{ name: "graph-complete", ok: false, detail: model.missing }]
            : runWiringChecks(model)),
    ];
    const report = buildReport(meta, capture, checks);

    const written: string[] = [];
    try {
        if (json) write(json, reportJson(report), io, written);
        if (mermaid) write(mermaid, renderMermaid(report), io, written);
        if (out) {
            for (const [name, content] of Object.entries(renderObjects(capture.resources))) {
                write(path.join(out, name), content, io, written);
            }
        }
    } catch (error) {
        if (!(error instanceof OutputError)) throw error;
        io.stderr(`error: ${error.message}\n`);
        return exitCodes.invalid;
    }
    say(
        renderTree(
            report,
            written.map((file) => shown(file, from)),
        ),
    );
    return checks.every((c) => c.ok) ? exitCodes.ok : exitCodes.checkFailed;
}

function reportFailure(error: unknown, io: Outputs, say: (text: string) => void): number {
    if (error instanceof ConfigError) {
        for (const issue of error.issues) io.stderr(`error: ${issue.message}\n`);
        return exitCodes.invalid;
    }
    if (error instanceof UsageError) {
        io.stderr(`error: ${error.message}\n`);
        return exitCodes.invalid;
    }
    if (error instanceof ClusterPreflightError) {
        say("Checks:\n");
        for (const problem of error.problems) say(`  FAIL cluster-preflight: ${problem}\n`);
        return exitCodes.checkFailed;
    }
    if (error instanceof WiringError) {
        say("Checks:\n");
        for (const c of error.results) say(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}\n`);
        return exitCodes.checkFailed;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: the plan failed: ${message}\n`);
    if (process.env.WIZ_INFRA_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return exitCodes.planError;
}

if (require.main === module) {
    main(
        process.argv.slice(2),
        {
            stdout: (t) => process.stdout.write(t),
            stderr: (t) => process.stderr.write(t),
        },
        invocationDir("plan"),
    ).then(
        (code) => {
            process.exitCode = code;
            // The SDK may keep timers alive after a mock run: leave once output is flushed.
            process.stdout.write("", () => process.exit(code));
        },
        (error) => {
            process.stderr.write(`error: the plan failed: ${String(error)}\n`);
            process.exit(exitCodes.planError);
        },
    );
}
