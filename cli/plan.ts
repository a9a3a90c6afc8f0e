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
import { ClusterPreflightError } from "../components/cluster";
import { type CheckResult, runWiringChecks, WiringError } from "../lib/checks";
import { ConfigError, fullKey, keySpecs } from "../stacks/config";
import { type Capture, captureProgram } from "./capture";
import { buildReport, renderMermaid, renderObjects, renderTree, reportJson } from "./report";
import { readStack, UsageError, withSecretPlaceholders } from "./stackFiles";
import { wiringFromCapture } from "./wiring";

export const usage = `Usage: npm run plan -- --stack <name> [options]

Runs the program for Pulumi.<name>.yaml under simulated providers and prints what
\`pulumi up\` would create, the wiring checks, and the stack outputs.

Options:
  --stack <name>        stack to plan (reads Pulumi.<name>.yaml)
  --stack-file <path>   plan this stack file instead (stack name from Pulumi.<name>.yaml)
  --cwd <dir>           project directory holding Pulumi.yaml (default: current directory)
  --json <file|->       write the plan as JSON
  --mermaid <file|->    write the dependency graph as a Mermaid flowchart
  --out <dir>           write the rendered Kubernetes objects and Helm values as YAML
  -h, --help            show this help

Exit codes: 0 checks passed, 1 a check failed, 2 invalid config or arguments, 3 plan error.`;

export const exitCodes = { ok: 0, checkFailed: 1, invalid: 2, planError: 3 } as const;

interface Outputs {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

function write(target: string, content: string, io: Outputs, written: string[]): void {
    if (target === "-") {
        io.stdout(content);
        return;
    }
    fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    fs.writeFileSync(target, content);
    written.push(target);
}

export async function main(argv: string[], io: Outputs): Promise<number> {
    let args: ReturnType<typeof parse>;
    const parse = (a: string[]) =>
        parseArgs({
            args: a,
            strict: true,
            allowPositionals: false,
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
        args = parse(argv);
    } catch (error) {
        io.stderr(`error: ${(error as Error).message}\n${usage}\n`);
        return exitCodes.invalid;
    }
    const opts = args.values;
    if (opts.help) {
        io.stdout(`${usage}\n`);
        return exitCodes.ok;
    }
    if (!opts.stack && !opts["stack-file"]) {
        io.stderr(`error: --stack is required (or --stack-file)\n${usage}\n`);
        return exitCodes.invalid;
    }
    const toStdout = [opts.json, opts.mermaid].filter((t) => t === "-").length;
    if (toStdout > 1) {
        io.stderr("error: only one of --json and --mermaid can write to stdout (-)\n");
        return exitCodes.invalid;
    }
    // With machine output on stdout, the human summary goes to stderr.
    const say = toStdout > 0 ? io.stderr : io.stdout;

    let capture: Capture;
    let meta: { project: string; stack: string };
    try {
        const input = readStack({
            projectDir: opts.cwd ?? process.cwd(),
            stack: opts.stack,
            stackFile: opts["stack-file"],
        });
        const secretKeys = Object.entries(keySpecs)
            .filter(([, spec]) => (spec as { secret?: boolean }).secret)
            .map(([key]) => fullKey(key));
        const prepared = withSecretPlaceholders(input, secretKeys);
        meta = { project: prepared.project, stack: prepared.stack };
        capture = await captureProgram({
            project: prepared.project,
            stack: prepared.stack,
            location: prepared.config["azure-native:location"] ?? "westeurope",
            config: prepared.config,
            secretKeys: prepared.secretKeys,
            entry: prepared.entry,
        });
    } catch (error) {
        return reportFailure(error, io, say);
    }

    const model = wiringFromCapture(capture.resources);
    const checks: CheckResult[] = [
        {
            name: "cluster-preflight",
            ok: true,
            detail: "OIDC issuer, workload identity and the Key Vault CSI add-on are on",
        },
        ...("missing" in model
            ? [{ name: "graph-complete", ok: false, detail: model.missing }]
            : runWiringChecks(model)),
    ];
    const report = buildReport(meta, capture, checks);

    const written: string[] = [];
    if (opts.json) write(opts.json, reportJson(report), io, written);
    if (opts.mermaid) write(opts.mermaid, renderMermaid(report), io, written);
    if (opts.out) {
        for (const [name, content] of Object.entries(renderObjects(capture.resources))) {
            write(path.join(opts.out, name), content, io, written);
        }
    }
    say(renderTree(report, written));
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
    main(process.argv.slice(2), {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
    }).then(
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
