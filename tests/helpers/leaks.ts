/**
 * The canary scan shared by the mock suite and the CLI suite: which strings betray a secret
 * (the value, its base64 at any alignment inside a longer encoded text, the docker config JSON
 * built from it), the stack files to scan, and a search of every string in what a run produced.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readStack } from "../../cli/stackFiles";
import { dockerConfigJson } from "../../lib/delivery";

export interface Needle {
    /** What the needle stands for, for the failure message. */
    label: string;
    text: string;
}

/**
 * The base64 of `secret` as it appears inside the base64 of any longer text: encoded after 0, 1
 * and 2 bytes of prefix, keeping only the characters made of the secret's bits alone. Standard
 * and URL-safe alphabets.
 */
export function base64Forms(secret: string): string[] {
    const bytes = Buffer.from(secret, "utf8");
    const forms = new Set<string>();
    for (let prefix = 0; prefix < 3; prefix++) {
        const encoded = Buffer.concat([Buffer.alloc(prefix), bytes]).toString("base64");
        const start = Math.ceil((8 * prefix) / 6);
        const end = Math.floor((8 * (prefix + bytes.length)) / 6);
        const stable = encoded.slice(start, end);
        forms.add(stable);
        forms.add(stable.replaceAll("+", "-").replaceAll("/", "_"));
    }
    return [...forms];
}

/** The value, its JSON-escaped form and its base64 forms. */
function forms(label: string, value: string): Needle[] {
    const texts = new Set([value, JSON.stringify(value).slice(1, -1)]);
    const needles = [...texts].map((text) => ({ label, text }));
    for (const text of base64Forms(value)) needles.push({ label: `base64 of ${label}`, text });
    return needles;
}

export interface Registry {
    server: string;
    username: string;
}

/**
 * Every needle for secret values by key: each value and its base64, and for the registry
 * password the docker config JSON of each registry (and its base64) as the program builds it.
 */
export function secretNeedles(
    secrets: Record<string, string>,
    registries: readonly Registry[] = [],
): Needle[] {
    const needles = Object.entries(secrets).flatMap(([key, value]) => forms(key, value));
    const password = secrets["wiz-infra:registryPassword"];
    if (password !== undefined) {
        for (const { server, username } of registries) {
            needles.push(
                ...forms(
                    `docker config JSON for ${username}@${server}`,
                    dockerConfigJson(server, username, password),
                ),
            );
        }
    }
    return needles;
}

/** Every string in a value: keys and leaves, at any depth. */
export function stringsOf(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(stringsOf);
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
    }
    return [];
}

/** A value as one searchable text: its JSON and every string in it on its own. */
export function searchable(value: unknown): string {
    return [JSON.stringify(value) ?? "", ...stringsOf(value)].join("\n");
}

/** `label in where` for each needle found in each text. */
export function findLeaks(texts: Record<string, string>, needles: readonly Needle[]): string[] {
    const found = new Set<string>();
    for (const [where, text] of Object.entries(texts)) {
        for (const needle of needles) {
            if (text.includes(needle.text)) found.add(`${needle.label} in ${where}`);
        }
    }
    return [...found];
}

export const projectDir = path.resolve(__dirname, "..", "..");

export interface StackFile {
    /** Stack name, from Pulumi.<name>.yaml. */
    name: string;
    /** Absolute path. */
    file: string;
    /** The project's stacks (root) or an example (examples/). */
    kind: "project" | "example";
}

/** The committed stacks and every example stack, found on disk. */
export function stackFiles(): StackFile[] {
    const found: StackFile[] = [];
    for (const [dir, kind] of [
        [projectDir, "project"],
        [path.join(projectDir, "examples"), "example"],
    ] as const) {
        for (const entry of fs.readdirSync(dir).sort()) {
            const name = /^Pulumi\.(.+)\.yaml$/.exec(entry)?.[1];
            if (name) found.push({ name, file: path.join(dir, entry), kind });
        }
    }
    return found;
}

/** The registry a stack file pulls the sensor from, when it names a user. */
export function registryOf(file: string): Registry | undefined {
    const { config } = readStack({ projectDir, stackFile: file });
    const username = config["wiz-infra:registryUsername"];
    const server = config["wiz-infra:registryServer"];
    return username && server ? { server, username } : undefined;
}
