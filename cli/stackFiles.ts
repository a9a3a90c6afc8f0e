/**
 * Reads a project's Pulumi.yaml and a stack's Pulumi.<stack>.yaml the way the CLI hands config
 * to a program: keys qualified `namespace:key`, values as strings (structures as JSON),
 * project defaults applied. Encrypted (`secure:`) values are never decrypted: the plan replaces
 * every secret with a placeholder, so it needs no secret and cannot print one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
    type ErrorCode,
    isScalar,
    parseDocument,
    visit,
    type YAMLError,
    YAMLParseError,
} from "yaml";
import { ConfigError } from "../stacks/config";

export interface StackInput {
    project: string;
    stack: string;
    projectDir: string;
    stackFile: string;
    /** The program's entry module. */
    entry: string;
    config: Record<string, string>;
    secretKeys: string[];
}

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** What stands in for a secret in the plan. */
export function secretPlaceholder(key: string): string {
    return `plan-placeholder-for-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
}

/** What a YAML problem means to someone editing a stack file, by the parser's error code. */
const yamlProblems: Partial<Record<ErrorCode, string>> = {
    DUPLICATE_KEY: "a key is set twice",
    MULTIPLE_DOCS: "it holds more than one YAML document (a line with ---)",
    TAG_RESOLVE_FAILED: "a value starts with '!' (a YAML tag); quote the value",
    NON_STRING_KEY: "a key is a mapping or a list; keys must be plain names",
    BAD_ALIAS:
        "a value starts with '*' but no anchor of that name comes before it; quote the value",
};

/** One line about a YAML problem: what and where, never the text around it (it may hold a secret). */
function yamlProblem(file: string, text: string, error: YAMLError): ConfigError {
    const name = path.basename(file);
    // The parser's own message may quote the source after a colon: keep only what precedes it.
    const what =
        yamlProblems[error.code] ??
        error.message
            .split("\n")[0]
            .replace(/ at line \d+, column \d+.*$/, "")
            .replace(/:.*$/, "");
    const at = error.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : "";
    // A repeated key is named when it is a plain config key; anything else might be a value.
    const lineEnd = text.indexOf("\n", error.pos[0]);
    const rest = text.slice(error.pos[0], lineEnd < 0 ? undefined : lineEnd);
    const plainKey = /^([A-Za-z0-9_.-]{1,100}(?::[A-Za-z0-9_.-]{1,100})?)\s*:(?:\s|$)/.exec(rest);
    const key = error.code === "DUPLICATE_KEY" ? (plainKey?.[1] ?? "") : "";
    return new ConfigError([
        {
            key: key || name,
            message: `${name} is not valid YAML${where}: ${what}${key ? ` (${key})` : ""}`,
        },
    ]);
}

/** The first mapping key that is itself a mapping or a list: JavaScript objects can't hold one. */
function collectionKey(doc: ReturnType<typeof parseDocument>): YAMLError | undefined {
    let found: YAMLError | undefined;
    visit(doc, {
        Pair(_, pair) {
            if (isScalar(pair.key) || pair.key === null) return undefined;
            const range = (pair.key as { range?: [number, number] }).range ?? [0, 0];
            found = new YAMLParseError(
                [range[0], range[1]],
                "NON_STRING_KEY",
                "a key is a mapping or a list",
            );
            return visit.BREAK;
        },
    });
    return found;
}

function readYaml(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        throw new UsageError(`cannot read ${file}`);
    }
    // Merge keys (<<) as Pulumi's own YAML reader takes them. Warnings count as errors: the
    // parser's own report of them quotes the file, secrets and all.
    const doc = parseDocument(text, { merge: true });
    const problem = doc.errors[0] ?? doc.warnings[0] ?? collectionKey(doc);
    if (problem) {
        if (!problem.linePos) problem.linePos = linePosOf(text, problem.pos[0]);
        throw yamlProblem(file, text, problem);
    }
    try {
        return doc.toJS();
    } catch {
        // An alias to an anchor defined later or nowhere; its name is not repeated here, since it
        // may be a value that only looked like an alias.
        throw new ConfigError([
            {
                key: path.basename(file),
                message: `${path.basename(file)} is not valid YAML: ${yamlProblems.BAD_ALIAS as string}`,
            },
        ]);
    }
}

/** Line and column (1-based) of an offset, as the parser reports them. */
function linePosOf(text: string, offset: number): [{ line: number; col: number }] {
    const before = text.slice(0, offset).split("\n");
    return [{ line: before.length, col: (before.at(-1)?.length ?? 0) + 1 }];
}

function asString(value: unknown, key: string): string {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    try {
        return JSON.stringify(value);
    } catch {
        // Only a YAML alias that refers to its own node makes a value JSON cannot hold.
        throw new ConfigError([
            { key, message: `${key} refers to itself through a YAML alias; give it a plain value` },
        ]);
    }
}

/** The top-level keys Pulumi reads from a stack file. */
const stackFileKeys = [
    "config",
    "environment",
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
];

/** Pulumi's rule for stack names. */
const stackNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

export function readStack(options: {
    projectDir: string;
    stack?: string;
    stackFile?: string;
}): StackInput {
    const projectDir = path.resolve(options.projectDir);
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = readYaml(projectFile) as {
        name?: string;
        main?: string;
        config?: Record<string, unknown>;
    } | null;
    if (!project || typeof project.name !== "string") {
        throw new UsageError(`${projectFile} has no project name`);
    }

    const stackFile = options.stackFile
        ? path.resolve(options.stackFile)
        : path.join(projectDir, `Pulumi.${options.stack}.yaml`);
    const stack = options.stack ?? /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(stackFile))?.[1];
    if (!stack)
        throw new UsageError(
            `cannot tell the stack name from ${stackFile}; name it Pulumi.<stack>.yaml`,
        );
    if (!stackNamePattern.test(stack))
        throw new UsageError(
            `stack name ${JSON.stringify(stack)} is not valid: Pulumi allows 1-100 letters, digits, '-', '_' and '.'`,
        );
    if (!fs.existsSync(stackFile)) {
        if (options.stackFile) throw new UsageError(`no stack file ${stackFile}`);
        const known = fs
            .readdirSync(projectDir)
            .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined);
        throw new UsageError(
            `no stack file ${stackFile}; stacks here: ${known.join(", ") || "none"}`,
        );
    }

    const doc = readYaml(stackFile);
    if (doc !== null && (typeof doc !== "object" || Array.isArray(doc))) {
        throw new ConfigError([
            {
                key: path.basename(stackFile),
                message: `${path.basename(stackFile)} must be a mapping with a config: key`,
            },
        ]);
    }
    const unknownTop = Object.keys(doc ?? {}).filter((k) => !stackFileKeys.includes(k));
    if (unknownTop.length > 0) {
        throw new ConfigError(
            unknownTop.map((k) => ({
                key: k,
                message: `${k} in ${path.basename(stackFile)} is not a stack file key (Pulumi reads ${stackFileKeys.join(", ")}); config values go under config:`,
            })),
        );
    }
    const rawConfig = (doc as { config?: unknown } | null)?.config ?? {};
    if (typeof rawConfig !== "object" || rawConfig === null || Array.isArray(rawConfig)) {
        throw new ConfigError([
            {
                key: "config",
                message: `config in ${path.basename(stackFile)} must be a mapping of keys to values`,
            },
        ]);
    }

    const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(project.config ?? {})) {
        // A declaration (type/description/default) or a plain project-wide value.
        const declared = value !== null && typeof value === "object" && !Array.isArray(value);
        const fallback = declared ? (value as { default?: unknown; value?: unknown }) : { value };
        const given = fallback.value ?? fallback.default;
        if (given !== undefined) config[qualify(key)] = asString(given, qualify(key));
    }
    for (const [key, value] of Object.entries(rawConfig as Record<string, unknown>)) {
        const full = qualify(key);
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            config[full] = secretPlaceholder(full);
            secretKeys.push(full);
        } else {
            config[full] = value === null ? "" : asString(value, full);
        }
    }

    const main = project.main ?? "index.ts";
    return {
        project: project.name,
        stack,
        projectDir,
        stackFile,
        entry: path.resolve(projectDir, main),
        config,
        secretKeys,
    };
}

/**
 * Fills every secret key the program declares but the stack does not set with a placeholder,
 * so that a plan of a fresh stack (no secrets yet) shows the whole graph.
 */
export function withSecretPlaceholders(input: StackInput, secretConfigKeys: string[]): StackInput {
    const config = { ...input.config };
    const secretKeys = [...input.secretKeys];
    for (const key of secretConfigKeys) {
        if (config[key] === undefined || (config[key] === "" && !secretKeys.includes(key))) {
            config[key] = secretPlaceholder(key);
            secretKeys.push(key);
        }
    }
    return { ...input, config, secretKeys };
}
