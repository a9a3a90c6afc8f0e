/**
 * Regenerates the generated blocks of README.md: the config key table (from the schema in
 * stacks/config.ts) and the dev stack's graph (from the offline plan). A test fails when the
 * committed README differs from what this prints, so run it after changing either:
 *
 *   npx tsx scripts/readme.ts --write
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { main as plan } from "../cli/plan";
import { keySpecs } from "../stacks/config";

const root = path.join(__dirname, "..");
const readmePath = path.join(root, "README.md");

export function configTable(): string {
    const rows = Object.entries(keySpecs).map(([key, spec]) => {
        const s = spec as {
            type: string;
            description: string;
            default?: unknown;
            required?: true;
            secret?: true;
        };
        const shown = s.required
            ? "required"
            : s.default === undefined
              ? "unset"
              : `\`${String(s.default)}\``;
        const kind = s.secret ? `${s.type}, secret` : s.type;
        return `| \`wiz-infra:${key}\` | ${kind} | ${shown} | ${s.description.replaceAll("|", "\\|")} |`;
    });
    return ["| Key | Type | Default | Meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** What `npm run plan -- --stack dev --mermaid -` prints, as a fenced block. */
export async function devGraph(): Promise<string> {
    let graph = "";
    let errors = "";
    const code = await plan(
        ["--cwd", root, "--stack", "dev", "--mermaid", "-"],
        {
            stdout: (text) => {
                graph += text;
            },
            stderr: (text) => {
                errors += text;
            },
        },
        root,
    );
    if (code !== 0) throw new Error(`plan failed: ${errors}`);
    return `\`\`\`mermaid\n${graph.trimEnd()}\n\`\`\``;
}

export function replaceBlock(text: string, name: string, content: string): string {
    const start = `<!-- generated:${name}:start -->`;
    const end = `<!-- generated:${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
    return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

export async function renderReadme(text: string): Promise<string> {
    const graph = await devGraph();
    return replaceBlock(replaceBlock(text, "config-keys", configTable()), "dev-graph", graph);
}

if (require.main === module) {
    const current = fs.readFileSync(readmePath, "utf8");
    renderReadme(current).then((next) => {
        if (process.argv.includes("--write")) fs.writeFileSync(readmePath, next);
        else process.stdout.write(next);
        // The SDK may keep timers alive after a mock run.
        process.exit(0);
    });
}
