/**
 * End-to-end tests of the offline plan: the CLI spawned as `npm run plan -- …` runs it, its
 * printed tree, checks and outputs, the JSON, Mermaid and YAML files it writes, the example
 * stacks, and its refusal of bad arguments and malformed stack files. The many bad-config
 * cases run through the CLI's in-process entry; a handful run as real processes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { type Capture, captureStack, secretConfigKeys } from "../../cli/capture";
import { readStack, secretPlaceholder, UsageError } from "../../cli/stackFiles";
import { spcSchemaProblems } from "../../lib/spcSchema";
import { ConfigError } from "../../stacks/config";
import {
    findLeaks,
    type Needle,
    type Registry,
    registryOf,
    searchable,
    secretNeedles,
    stackFiles,
} from "../helpers/leaks";
import {
    type BadConfig,
    badConfigs,
    canaryStrings,
    cipherCanaries,
    stackFileText,
} from "./badConfigs";
import {
    makeTempDir,
    type PlanRun,
    parseTree,
    planInProcess,
    projectDir,
    readTree,
    removeTempDirs,
    section,
    sortedKeys,
    spawnPlan,
    stackTraceLine,
    treeMarkers,
} from "./harness";

interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    dependencies: string[];
    protect: boolean;
    provider?: string | null;
    inputs: Record<string, unknown>;
}
interface PlanJson {
    project: string;
    stack: string;
    resources: PlanResource[];
    outputs: Record<string, unknown>;
    checks: { name: string; ok: boolean; detail: string }[];
}

const types = {
    stack: "pulumi:pulumi:Stack",
    resourceGroup: "azure-native:resources:ResourceGroup",
    vault: "azure-native:keyvault:Vault",
    vaultSecret: "azure-native:keyvault:Secret",
    accessPolicy: "azure-native:keyvault:AccessPolicy",
    roleAssignment: "azure-native:authorization:RoleAssignment",
    federatedCredential: "azure-native:managedidentity:FederatedIdentityCredential",
    k8sProvider: "pulumi:providers:kubernetes",
    deployment: "kubernetes:apps/v1:Deployment",
    release: "kubernetes:helm.sh/v3:Release",
    holder: "wiz-infra:kubernetes:SecretSyncHolder",
    spc: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
} as const;

const isComponent = (r: { type: string }) => r.type.startsWith("wiz-infra:");
const isGroup = (r: { type: string }) => isComponent(r) || r.type === types.stack;
const ofType = (plan: PlanJson, type: string) => plan.resources.filter((r) => r.type === type);

function only(plan: PlanJson, type: string): PlanResource {
    const found = ofType(plan, type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
}

/** The secret-sync holder: the Deployment inside the SecretSyncHolder component. */
function holderOf(plan: PlanJson): PlanResource {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const found = ofType(plan, types.deployment).filter(
        (d) => d.parent !== null && byUrn.get(d.parent)?.type === types.holder,
    );
    expect(found).toHaveLength(1);
    return found[0];
}

const get = (value: unknown, ...keys: string[]): unknown =>
    keys.reduce<unknown>(
        (node, key) =>
            node !== null && typeof node === "object"
                ? (node as Record<string, unknown>)[key]
                : undefined,
        value,
    );

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The line names the key as a whole token, not as the prefix of a longer key. */
const namesKey = (line: string, key: string) =>
    new RegExp(`(?<![\\w:.-])${escapeRegex(key)}(?![\\w-])`).test(line);

const errorLines = (text: string) => text.split("\n").filter((l) => l.startsWith("error:"));

/** Every examples/Pulumi.*.yaml, found on disk. */
const examples = stackFiles()
    .filter((s) => s.kind === "example")
    .map((s) => s.name);
type Example = string;

/** Every plan run of this file, spawned or in-process: the canary scan reads them all. */
const planRuns: PlanRun[] = [];
async function inProcess(args: string[]): Promise<PlanRun> {
    const result = await planInProcess(args);
    planRuns.push(result);
    return result;
}

/** Bad configs that also run as real processes, with --json and --out that must stay unwritten. */
const spawnedBadConfigs = ["retention-6", "yaml-syntax"];

/** Bad command lines: what the single error line must say. */
const badArgs = {
    "no-stack": { argv: [], says: /^error: .*--stack/ },
    "unknown-flag": { argv: ["--stack", "dev", "--frobnicate"], says: /^error: .*--frobnicate/ },
    "missing-stack-file": {
        argv: ["--stack-file", "/nonexistent/Pulumi.ghost.yaml"],
        says: /^error: .*Pulumi\.ghost\.yaml/,
    },
    "missing-stack": { argv: ["--stack", "ghost"], says: /^error: .*Pulumi\.ghost\.yaml/ },
    "two-stdouts": {
        argv: ["--stack", "dev", "--json", "-", "--mermaid", "-"],
        says: /^error: .*--json.*--mermaid/,
    },
    "stray-argument": { argv: ["dev"], says: /^error: / },
} satisfies Record<string, { argv: string[]; says: RegExp }>;

/** A plain config value that must show up where the plan puts it (the scan's positive control). */
const plainMarker = "canary-display-name-visible-0c4f";

const dirs = {} as {
    root: string;
    devA: string;
    devB: string;
    prod: string;
    canary: string;
    examples: string;
    bad: string;
    inProcess: string;
};
const runs: Record<string, Promise<PlanRun>> = {};

function run(key: string): Promise<PlanRun> {
    const started = runs[key];
    if (!started) throw new Error(`no run ${key} was started`);
    return started;
}

const badFile = (c: Pick<BadConfig, "id">) => path.join(dirs.bad, `Pulumi.${c.id}.yaml`);

function canaryStackText(): string {
    const secure = Object.entries(cipherCanaries)
        .map(([key, value]) => `    ${key}: {secure: "${value}"}`)
        .join("\n");
    return [
        "# A stack whose secrets hold ciphertexts the plan must never decrypt nor print.",
        "config:",
        "    azure-native:location: westeurope",
        "    wiz-infra:resourceGroupName: rg-wiz-canary-weu",
        "    wiz-infra:clusterName: aks-canary-weu-01",
        "    wiz-infra:clusterResourceGroupName: rg-aks-canary-weu",
        `    wiz-infra:clusterDisplayName: ${plainMarker}`,
        "    wiz-infra:keyVaultSoftDeleteRetentionDays: 7",
        "    wiz-infra:registryUsername: wiz-sensor-pull-canary",
        secure,
        "",
    ].join("\n");
}

/** The output flags of a run that writes every kind of file into `dir`. */
let files: (dir: string) => string[];

beforeAll(() => {
    dirs.root = makeTempDir("plan-e2e");
    for (const key of ["devA", "devB", "prod", "canary", "examples", "bad", "inProcess"] as const) {
        dirs[key] = path.join(dirs.root, key);
        fs.mkdirSync(dirs[key]);
    }
    fs.writeFileSync(path.join(dirs.canary, "Pulumi.canary.yaml"), canaryStackText());
    for (const c of badConfigs) fs.writeFileSync(badFile(c), stackFileText(c));

    // Every spawn starts now; the queue runs as many at once as there are cores.
    files = (dir: string) => [
        "--json",
        path.join(dir, "plan.json"),
        "--mermaid",
        path.join(dir, "plan.mmd"),
        "--out",
        path.join(dir, "out"),
    ];
    runs.devA = spawnPlan(["--stack", "dev", ...files(dirs.devA)]);
    runs.prod = spawnPlan([
        "--stack",
        "prod",
        "--json",
        "-",
        "--mermaid",
        path.join(dirs.prod, "plan.mmd"),
        "--out",
        path.join(dirs.prod, "out"),
    ]);
    runs.canary = spawnPlan([
        "--stack-file",
        path.join(dirs.canary, "Pulumi.canary.yaml"),
        ...files(dirs.canary),
    ]);
    runs["args:unknown-flag"] = spawnPlan(badArgs["unknown-flag"].argv);
    for (const id of spawnedBadConfigs) {
        runs[`bad:${id}`] = spawnPlan([
            "--stack-file",
            badFile({ id }),
            "--json",
            path.join(dirs.bad, `${id}.json`),
            "--out",
            path.join(dirs.bad, `${id}-out`),
        ]);
    }
});

afterAll(async () => {
    await Promise.allSettled(Object.values(runs));
    removeTempDirs();
});

/** What a rejected stack file must and must not produce. */
function expectRejected(result: PlanRun, c: BadConfig): void {
    const context = `${c.id}\n${result.stderr}`;
    expect(result.code, context).toBe(2);
    const errors = errorLines(result.stderr);
    expect(
        errors.some((l) => namesKey(l, c.key)),
        `an error line naming ${c.key}: ${context}`,
    ).toBe(true);
    if (c.says) expect(errors.join("\n"), context).toMatch(c.says);
    // One line per problem, nothing else.
    expect(result.stderr.trimEnd().split("\n"), context).toEqual(errors);
    for (const text of [result.stdout, result.stderr]) {
        expect(text, context).not.toMatch(stackTraceLine);
        for (const secret of [
            ...canaryStrings(Object.values(cipherCanaries)),
            ...(c.secrets ?? []),
            "plan-placeholder-for-",
        ]) {
            expect(text.includes(secret), `${secret} echoed: ${context}`).toBe(false);
        }
    }
    expect(result.stdout, context).not.toMatch(treeMarkers);
}

describe("bad stack files, through main(argv, io)", () => {
    const args = (file: string, id: string) => [
        "--cwd",
        projectDir,
        "--stack-file",
        file,
        "--json",
        path.join(dirs.inProcess, `${id}.json`),
        "--out",
        path.join(dirs.inProcess, `${id}-out`),
    ];

    it("has at least 40 cases with distinct names", () => {
        expect(badConfigs.length).toBeGreaterThanOrEqual(40);
        expect(new Set(badConfigs.map((c) => c.id)).size).toBe(badConfigs.length);
    });

    it("plans the unmodified base stack (each case differs from it by its mistake)", async () => {
        const file = path.join(dirs.inProcess, "Pulumi.table-base.yaml");
        fs.writeFileSync(file, stackFileText({ id: "table-base", key: "" }));
        const result = await inProcess(args(file, "table-base"));
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        for (const secret of canaryStrings(Object.values(cipherCanaries))) {
            expect(result.stdout.includes(secret)).toBe(false);
        }
    });

    it.each(badConfigs)("$id: exit 2, an error: line naming $key", async (c) => {
        const result = await inProcess(args(badFile(c), c.id));
        expectRejected(result, c);
        expect(fs.existsSync(path.join(dirs.inProcess, `${c.id}.json`))).toBe(false);
        expect(fs.existsSync(path.join(dirs.inProcess, `${c.id}-out`))).toBe(false);
    });
});

describe("a rejected config registers nothing", () => {
    /**
     * Prepares the stack as the CLI does and runs the program, expecting one of them to throw.
     * `capture` is what the program registered; undefined when reading the file failed first.
     */
    async function failedCapture(id: string): Promise<{ error: Error; capture?: Capture }> {
        let input: ReturnType<typeof readStack>;
        try {
            input = readStack({ projectDir, stackFile: badFile({ id }) });
        } catch (error) {
            return { error: error as Error };
        }
        try {
            await captureStack(input);
        } catch (error) {
            const capture = (error as { capture?: Capture }).capture;
            expect(capture, "the program ran: its capture comes with its error").toBeDefined();
            return { error: error as Error, capture };
        }
        throw new Error(`${id} was expected to fail`);
    }

    it.each(badConfigs)(
        "$id: a config or usage error naming $key, and no resource but the root stack",
        async (c) => {
            const { error, capture } = await failedCapture(c.id);
            const context = `${c.id}: ${error.name}: ${error.message}`;
            // The classes the CLI maps to exit 2; anything else would be a plan error (3).
            expect(error instanceof ConfigError || error instanceof UsageError, context).toBe(true);
            const lines =
                error instanceof ConfigError ? error.issues.map((i) => i.message) : [error.message];
            expect(
                lines.some((l) => namesKey(l, c.key)),
                context,
            ).toBe(true);
            if (error instanceof ConfigError) {
                expect(
                    error.issues.map((i) => i.key),
                    context,
                ).toContain(c.key);
            }
            for (const secret of [
                ...canaryStrings(Object.values(cipherCanaries)),
                ...(c.secrets ?? []),
                "plan-placeholder-for-",
            ]) {
                expect(error.message.includes(secret), `${secret} echoed: ${context}`).toBe(false);
            }
            if (capture === undefined) {
                // Only a file that cannot be read as a stack stops before the program runs.
                expect(c.raw, context).toBeDefined();
                return;
            }
            // Every registration attempt is recorded, answered or not: only the root stack.
            expect(
                capture.resources.map((r) => r.type),
                context,
            ).toEqual([types.stack]);
        },
    );
});

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as PlanJson;

describe("npm run plan -- --stack dev", () => {
    let dev: PlanRun;
    let plan: PlanJson;
    beforeAll(async () => {
        dev = await run("devA");
        plan = readJson(path.join(dirs.devA, "plan.json"));
    }, 120_000);

    it("exits 0 with nothing on stderr", () => {
        expect(dev.stderr).toBe("");
        expect(dev.code).toBe(0);
        expect(dev.stdout).toMatch(/^Offline plan of wiz-infra \(stack dev\)/);
    });

    it("prints every resource once, with its type, its name and its parent above it", () => {
        const rows = parseTree(dev.stdout);
        expect(rows).toHaveLength(plan.resources.length);
        expect(rows[0]).toMatchObject({ depth: 0, type: types.stack, name: "wiz-infra-dev" });
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        const id = (r: { type: string; name: string } | undefined) =>
            r ? `${r.type} ${r.name}` : "(root)";
        const expected = plan.resources.map(
            (r) => `${id(r)} in ${id(r.parent ? byUrn.get(r.parent) : undefined)}`,
        );
        const printed = rows.map((r) => `${id(r)} in ${id(r.parent)}`);
        expect(printed.sort()).toEqual(expected.sort());
        // Components hold their resources one level further in.
        const secret = rows.find((r) => r.type === types.vaultSecret);
        expect(secret?.depth).toBe(2);
        expect(secret?.parent?.type).toBe("wiz-infra:keyvault:KeyVault");
    });

    it("draws └─ for the last child, ├─ for the others, │ under ancestors with later siblings", () => {
        const rows = parseTree(dev.stdout);
        const isLast = (row: (typeof rows)[number]) =>
            rows.filter((r) => r.parent === row.parent).at(-1) === row;
        for (const row of rows.filter((r) => r.depth > 0)) {
            expect(row.branch, `${row.type} ${row.name}`).toBe(isLast(row) ? "└─" : "├─");
            let ancestor = row.parent;
            for (let depth = row.depth - 1; depth >= 1; depth--) {
                if (!ancestor) throw new Error("missing ancestor");
                expect(row.rails[depth - 1], `${row.name} under ${ancestor.name}`).toBe(
                    isLast(ancestor) ? "" : "│",
                );
                ancestor = ancestor.parent;
            }
        }
        expect(rows.filter((r) => r.branch === "├─").length).toBeGreaterThan(0);
        expect(rows.filter((r) => r.branch === "└─").length).toBeGreaterThan(1);
    });

    it("counts the resources to create", () => {
        const m = /^Resources: \+ (\d+) to create/m.exec(dev.stdout);
        expect(m, dev.stdout).not.toBeNull();
        expect(Number(m?.[1])).toBe(plan.resources.length);
    });

    it("lists every check, all ok", () => {
        const lines = section(dev.stdout, "Checks");
        expect(lines.length).toBeGreaterThan(0);
        expect(lines).toEqual(plan.checks.map((c) => `  ok   ${c.name}: ${c.detail}`));
        expect(plan.checks.every((c) => c.ok)).toBe(true);
        expect(dev.stdout).not.toMatch(/FAIL/);
    });

    it("lists the stack outputs", () => {
        const lines = section(dev.stdout, "Outputs");
        const outputs = Object.entries(plan.outputs);
        expect(outputs.length).toBeGreaterThan(0);
        expect(lines).toHaveLength(outputs.length);
        for (const [key, value] of outputs) {
            const shown = typeof value === "string" ? value : JSON.stringify(value);
            expect(lines).toContain(`    ${key}: ${shown}`);
        }
        expect(plan.outputs.namespace).toBe("wiz");
    });

    it("lists the files it wrote, and they exist", () => {
        const listed = section(dev.stdout, "Files").map((l) => l.trim());
        const outFiles = Object.keys(readTree(path.join(dirs.devA, "out"))).map((f) =>
            path.join(dirs.devA, "out", f),
        );
        expect(outFiles.length).toBeGreaterThan(0);
        expect(listed.sort()).toEqual(
            [
                path.join(dirs.devA, "plan.json"),
                path.join(dirs.devA, "plan.mmd"),
                ...outFiles,
            ].sort(),
        );
        for (const file of listed) expect(fs.existsSync(file), file).toBe(true);
    });
});

describe("--json", () => {
    let devText: string;
    let dev: PlanJson;
    let prodRun: PlanRun;
    let prod: PlanJson;
    beforeAll(async () => {
        await run("devA");
        devText = fs.readFileSync(path.join(dirs.devA, "plan.json"), "utf8");
        dev = JSON.parse(devText);
        prodRun = await run("prod");
        prod = JSON.parse(prodRun.stdout);
    }, 120_000);

    it("with -, prints only the JSON on stdout and the summary on stderr", () => {
        expect(prodRun.code).toBe(0);
        expect(prodRun.stdout.trimStart().startsWith("{")).toBe(true);
        expect(prodRun.stderr).toMatch(/^Offline plan of wiz-infra \(stack prod\)/);
        expect(prodRun.stderr).toMatch(/^Protected: .*\bvault\b/m);
    });

    it("has the documented shape", () => {
        for (const plan of [dev, prod]) {
            expect(plan.project).toBe("wiz-infra");
            expect(Array.isArray(plan.resources)).toBe(true);
            expect(plan.outputs).toBeTypeOf("object");
            expect(plan.checks.length).toBeGreaterThan(0);
            for (const check of plan.checks) {
                expect(check).toEqual({
                    name: expect.any(String),
                    ok: expect.any(Boolean),
                    detail: expect.any(String),
                });
            }
            for (const r of plan.resources) {
                expect(r, r.urn).toMatchObject({
                    urn: expect.stringMatching(`^urn:pulumi:${plan.stack}::wiz-infra::`),
                    type: expect.any(String),
                    name: expect.any(String),
                    dependencies: expect.any(Array),
                    protect: expect.any(Boolean),
                    inputs: expect.any(Object),
                });
                expect(r.parent === null || typeof r.parent === "string").toBe(true);
                for (const dep of r.dependencies) expect(dep).toBeTypeOf("string");
            }
        }
        expect(dev.stack).toBe("dev");
        expect(prod.stack).toBe("prod");
    });

    it("references only resources it contains: dependencies and parents", () => {
        for (const plan of [dev, prod]) {
            const urns = new Set(plan.resources.map((r) => r.urn));
            expect(urns.size).toBe(plan.resources.length);
            for (const r of plan.resources) {
                for (const dep of r.dependencies)
                    expect(urns.has(dep), `${r.urn} → ${dep}`).toBe(true);
                if (r.type === types.stack) expect(r.parent).toBeNull();
                else expect(urns.has(r.parent ?? ""), `parent of ${r.urn}`).toBe(true);
            }
        }
    });

    it("is written with sorted keys", () => {
        expect(devText).toBe(`${JSON.stringify(sortedKeys(JSON.parse(devText)), null, 2)}\n`);
        expect(prodRun.stdout).toBe(
            `${JSON.stringify(sortedKeys(JSON.parse(prodRun.stdout)), null, 2)}\n`,
        );
    });

    it("protects the vault and the resource group in prod only", () => {
        for (const type of [types.vault, types.resourceGroup]) {
            expect(only(prod, type).protect, `prod ${type}`).toBe(true);
            expect(only(dev, type).protect, `dev ${type}`).toBe(false);
        }
        expect(dev.resources.filter((r) => r.protect)).toEqual([]);
    });

    it("makes the Helm release depend directly on the holder Deployment", () => {
        for (const plan of [dev, prod]) {
            expect(only(plan, types.release).dependencies).toContain(holderOf(plan).urn);
        }
    });

    it("makes the holder depend on the federated credential, the grants and the vault secrets", () => {
        for (const [plan, grantType] of [
            [dev, types.accessPolicy],
            [prod, types.roleAssignment],
        ] as const) {
            const deps = holderOf(plan).dependencies;
            const credentials = ofType(plan, types.federatedCredential);
            const grants = ofType(plan, grantType);
            const secrets = ofType(plan, types.vaultSecret);
            expect(credentials.length).toBeGreaterThan(0);
            expect(grants.length).toBeGreaterThan(0);
            expect(secrets.length).toBeGreaterThanOrEqual(2);
            for (const r of [...credentials, ...grants, ...secrets]) {
                expect(deps, `${plan.stack}: holder needs ${r.type} ${r.name}`).toContain(r.urn);
            }
        }
        expect(ofType(prod, types.roleAssignment)).toHaveLength(
            ofType(prod, types.vaultSecret).length,
        );
    });
});

describe("determinism", () => {
    let a: PlanRun;
    let b: PlanRun;
    beforeAll(async () => {
        // One run in its own process, one in this process after many others: nothing a process
        // carries from run to run may change a byte.
        a = await run("devA");
        runs.devB = planInProcess(["--stack", "dev", ...files(dirs.devB)]);
        b = await run("devB");
    }, 120_000);

    it("two runs of the same stack write byte-identical JSON, Mermaid and YAML", () => {
        expect(a.code).toBe(0);
        expect(b.code).toBe(0);
        for (const file of ["plan.json", "plan.mmd"]) {
            const first = fs.readFileSync(path.join(dirs.devA, file));
            const second = fs.readFileSync(path.join(dirs.devB, file));
            expect(second.toString("utf8"), file).toBe(first.toString("utf8"));
            expect(second.equals(first), file).toBe(true);
        }
        expect(readTree(path.join(dirs.devB, "out"))).toEqual(
            readTree(path.join(dirs.devA, "out")),
        );
    });

    it("prints the same summary, apart from where the files went", () => {
        expect(b.stdout.replaceAll(dirs.devB, dirs.devA)).toBe(a.stdout);
    });
});

describe("masked secrets", () => {
    let canary: PlanRun;
    let everything: Record<string, string>;
    let plan: PlanJson;
    beforeAll(async () => {
        canary = await run("canary");
        everything = {
            stdout: canary.stdout,
            stderr: canary.stderr,
            ...readTree(dirs.canary),
        };
        delete everything["Pulumi.canary.yaml"];
        plan = readJson(path.join(dirs.canary, "plan.json"));
    }, 120_000);

    it("plans a stack whose secrets are ciphertexts", () => {
        expect(canary.code).toBe(0);
        expect(Object.keys(everything)).toEqual(
            expect.arrayContaining(["plan.json", "plan.mmd", expect.stringMatching(/^out\//)]),
        );
    });

    it("never prints nor writes a ciphertext, nor any part of one", () => {
        for (const secret of canaryStrings(Object.values(cipherCanaries))) {
            for (const [where, text] of Object.entries(everything)) {
                expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
            }
        }
    });

    it("never shows the values that stand in for secrets either, nor their base64", () => {
        for (const [where, text] of Object.entries(everything)) {
            expect(text.includes("plan-placeholder-for-"), where).toBe(false);
        }
        const registry = registryOf(path.join(dirs.canary, "Pulumi.canary.yaml"));
        expect(registry?.username).toBe("wiz-sensor-pull-canary");
        const placeholders = Object.fromEntries(
            Object.keys(cipherCanaries).map((k) => [k, secretPlaceholder(k)]),
        );
        const needles = [
            ...secretNeedles(placeholders, registry ? [registry] : []),
            ...secretNeedles(Object.fromEntries(Object.values(cipherCanaries).map((v) => [v, v]))),
        ];
        expect(findLeaks(everything, needles)).toEqual([]);
    });

    it("does show plain config values (the scan would see a leak)", () => {
        expect(everything["plan.json"]).toContain(plainMarker);
        expect(everything["out/helm-values-wiz.yaml"]).toContain(plainMarker);
    });

    it('shows secret inputs as "[secret]"', () => {
        const secrets = ofType(plan, types.vaultSecret);
        expect(secrets.length).toBeGreaterThanOrEqual(3);
        for (const s of secrets)
            expect(get(s.inputs, "properties", "value"), s.name).toBe("[secret]");
        expect(only(plan, types.k8sProvider).inputs.kubeconfig).toBe("[secret]");
    });
});

describe("--mermaid", () => {
    let text: string;
    let plan: PlanJson;
    beforeAll(async () => {
        await run("devA");
        text = fs.readFileSync(path.join(dirs.devA, "plan.mmd"), "utf8");
        plan = readJson(path.join(dirs.devA, "plan.json"));
    }, 120_000);

    /** Node id → the resource its label names. */
    function nodes(kind: "node" | "subgraph"): Map<string, PlanResource> {
        const found = new Map<string, PlanResource>();
        const pattern =
            kind === "node"
                ? /^\s*(\w+)\["([^"<]+)<br\/><small>([^<]+)<\/small>"\]$/gm
                : /^\s*subgraph (\w+)\["([^"<]+)<br\/><small>([^<]+)<\/small>"\]$/gm;
        for (const [, id, name, shortType] of text.matchAll(pattern)) {
            const suffix = shortType.replace(/^k8s:/, "");
            const matches = plan.resources.filter(
                (r) => r.name === name && (r.type === shortType || r.type.endsWith(`:${suffix}`)),
            );
            expect(matches, `${id} ${name} ${shortType}`).toHaveLength(1);
            found.set(id, matches[0]);
        }
        return found;
    }

    it("is a flowchart", () => {
        expect(text.startsWith("flowchart")).toBe(true);
    });

    it("has one subgraph per component, one node per other resource", () => {
        const groups = [...nodes("subgraph").values()];
        expect(groups.map((r) => r.urn).sort()).toEqual(
            plan.resources
                .filter(isComponent)
                .map((r) => r.urn)
                .sort(),
        );
        expect(text.match(/^\s*end$/gm)).toHaveLength(groups.length);
        const plain = [...nodes("node").values()];
        expect(plain.map((r) => r.urn).sort()).toEqual(
            plan.resources
                .filter((r) => !isGroup(r))
                .map((r) => r.urn)
                .sort(),
        );
    });

    it("draws an arrow for each dependency between resources, and no other", () => {
        const byId = nodes("node");
        const drawn = [...text.matchAll(/^\s*(\w+) --> (\w+)$/gm)].map(([, from, to]) => {
            expect(byId.has(from) && byId.has(to), `${from} --> ${to}`).toBe(true);
            return `${byId.get(from)?.urn} --> ${byId.get(to)?.urn}`;
        });
        expect(drawn.length).toBeGreaterThan(0);
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        const expected = plan.resources.flatMap((r) =>
            r.dependencies
                .filter((d) => !isGroup(byUrn.get(d) ?? { type: types.stack }))
                .map((d) => `${d} --> ${r.urn}`),
        );
        expect(drawn.sort()).toEqual(expected.sort());
    });

    it("draws a dotted arrow from the Kubernetes provider to each resource it serves", () => {
        const byId = nodes("node");
        const drawn = [...text.matchAll(/^\s*(\w+) -\.-> (\w+)$/gm)].map(
            ([, from, to]) => `${byId.get(from)?.urn} -.-> ${byId.get(to)?.urn}`,
        );
        const served = plan.resources.filter(
            (r): r is PlanResource & { provider: string } => typeof r.provider === "string",
        );
        expect(served.length).toBeGreaterThan(0);
        expect(drawn.sort()).toEqual(served.map((r) => `${r.provider} -.-> ${r.urn}`).sort());
    });
});

describe("--out", () => {
    let files: Record<string, string>;
    let plan: PlanJson;
    beforeAll(async () => {
        await run("devA");
        files = readTree(path.join(dirs.devA, "out"));
        plan = readJson(path.join(dirs.devA, "plan.json"));
    }, 120_000);

    const one = (prefix: string) => {
        const names = Object.keys(files).filter((f) => f.startsWith(prefix));
        expect(names, prefix).toHaveLength(1);
        return parseYaml(files[names[0]]) as Record<string, unknown>;
    };

    it("writes YAML files that parse to mappings", () => {
        expect(Object.keys(files).length).toBeGreaterThanOrEqual(5);
        for (const [name, content] of Object.entries(files)) {
            expect(name).toMatch(/\.yaml$/);
            const doc = parseYaml(content);
            expect(doc !== null && typeof doc === "object" && !Array.isArray(doc), name).toBe(true);
        }
    });

    it("writes a SecretProviderClass that the CRD schema accepts, with string parameters", () => {
        const spc = one("secretproviderclass-");
        expect(spc.kind).toBe("SecretProviderClass");
        expect(spcSchemaProblems(spc)).toEqual([]);
        const parameters = get(spc, "spec", "parameters") as Record<string, unknown>;
        expect(Object.keys(parameters).length).toBeGreaterThan(0);
        for (const [key, value] of Object.entries(parameters))
            expect(value, key).toBeTypeOf("string");
        expect(spc).toEqual(only(plan, types.spc).inputs);
    });

    it("writes the Helm values, with the token Secret left to the CSI driver", () => {
        const values = one("helm-values-");
        expect(get(values, "global", "wizApiToken", "secret", "create")).toBe(false);
        expect(values).toEqual(only(plan, types.release).inputs.values);
    });
});

describe("examples/", () => {
    const plans = {} as Record<Example, PlanJson>;
    const results = {} as Record<Example, PlanRun>;
    beforeAll(async () => {
        // The same main() the spawned runs above go through, in this process: each plan here
        // costs a program run instead of a Node start and the SDK's load.
        for (const name of examples) {
            results[name] = await inProcess([
                "--stack-file",
                `examples/Pulumi.${name}.yaml`,
                "--json",
                path.join(dirs.examples, `${name}.json`),
                "--mermaid",
                path.join(dirs.examples, `${name}.mmd`),
                "--out",
                path.join(dirs.examples, `${name}-out`),
            ]);
            const file = path.join(dirs.examples, `${name}.json`);
            if (fs.existsSync(file)) plans[name] = readJson(file);
        }
    }, 180_000);
    const outFile = (name: Example, prefix: string) => {
        const dir = path.join(dirs.examples, `${name}-out`);
        const found = fs.readdirSync(dir).filter((f) => f.startsWith(prefix));
        expect(found).toHaveLength(1);
        return parseYaml(fs.readFileSync(path.join(dir, found[0]), "utf8")) as Record<
            string,
            unknown
        >;
    };
    const stackConfig = (name: Example) =>
        (
            parseYaml(
                fs.readFileSync(path.join(projectDir, "examples", `Pulumi.${name}.yaml`), "utf8"),
            ) as { config: Record<string, unknown> }
        ).config;

    it("finds every example, the four described in examples/README.md among them", () => {
        expect(examples).toEqual(
            expect.arrayContaining(["sensor-off", "connector-only", "custom-names", "dev-rbac"]),
        );
    });

    it.each(examples)(
        "Pulumi.%s.yaml has a header comment, no secret, and its plan command",
        (name) => {
            const text = fs.readFileSync(
                path.join(projectDir, "examples", `Pulumi.${name}.yaml`),
                "utf8",
            );
            expect(text.startsWith("#")).toBe(true);
            expect(text).toContain(`npm run plan -- --stack-file examples/Pulumi.${name}.yaml`);
            expect(text).not.toMatch(/secure:/);
            for (const key of Object.keys(stackConfig(name))) {
                expect(key).not.toMatch(/wizClientId|wizClientToken|registryPassword/);
            }
            const readme = fs.readFileSync(path.join(projectDir, "examples", "README.md"), "utf8");
            expect(readme).toContain(`npm run plan -- --stack-file examples/Pulumi.${name}.yaml`);
        },
    );

    it.each(examples)("%s plans with exit 0 and every check ok", (name) => {
        const result = results[name];
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(`Offline plan of wiz-infra (stack ${name})`);
        expect(plans[name].checks.every((c) => c.ok)).toBe(true);
    });

    it("sensor-off: no registry keys, no registry secret, no pull Secret", () => {
        const config = stackConfig("sensor-off");
        expect(config["wiz-infra:wizSensor"]).toBe(false);
        expect(Object.keys(config).filter((k) => /registry/i.test(k))).toEqual([]);
        const plan = plans["sensor-off"];
        const secretNames = ofType(plan, types.vaultSecret).map((s) => String(s.inputs.secretName));
        expect(secretNames.length).toBeGreaterThan(0);
        expect(secretNames.filter((n) => /registry|docker|pull/.test(n))).toEqual([]);
        const spc = outFile("sensor-off", "secretproviderclass-");
        const synced = get(spc, "spec", "secretObjects") as { type: string; secretName: string }[];
        expect(synced.filter((s) => s.type === "kubernetes.io/dockerconfigjson")).toEqual([]);
        expect(String(get(spc, "spec", "parameters", "objects"))).not.toMatch(/registry|docker/);
        const values = outFile("sensor-off", "helm-values-");
        expect(get(values, "wiz-sensor", "enabled")).toBe(false);
        expect(get(values, "wiz-sensor", "imagePullSecret")).toBeUndefined();
        expect(JSON.stringify(values)).not.toMatch(/pull-secret|dockerconfig/);
    });

    it("connector-only: the sensor and the admission controller are off", () => {
        const values = outFile("connector-only", "helm-values-");
        expect(get(values, "wiz-kubernetes-connector", "enabled")).toBe(true);
        expect(get(values, "wiz-sensor", "enabled")).toBe(false);
        expect(get(values, "wiz-admission-controller", "enabled")).toBe(false);
        expect(only(plans["connector-only"], types.release).inputs.values).toEqual(values);
    });

    it("custom-names: the credential subject and the webhook exclusions follow the names", () => {
        const plan = plans["custom-names"];
        expect(ofType(plan, types.federatedCredential).map((f) => f.inputs.subject)).toEqual([
            "system:serviceaccount:security-tools:wiz-csi-reader",
        ]);
        expect(get(holderOf(plan).inputs, "metadata", "namespace")).toBe("security-tools");
        expect(get(holderOf(plan).inputs, "spec", "template", "spec", "serviceAccountName")).toBe(
            "wiz-csi-reader",
        );
        const admission = get(outFile("custom-names", "helm-values-"), "wiz-admission-controller");
        const webhooks = Object.entries(admission as Record<string, unknown>).filter(
            ([, v]) => get(v, "namespaceSelector") !== undefined,
        );
        expect(webhooks.length).toBeGreaterThan(0);
        for (const [webhook, spec] of webhooks) {
            const expressions = get(spec, "namespaceSelector", "matchExpressions") as {
                operator: string;
                values: string[];
            }[];
            const excluded = expressions
                .filter((e) => e.operator === "NotIn")
                .flatMap((e) => e.values);
            expect(excluded, webhook).toContain("security-tools");
        }
    });

    it("dev-rbac: role assignments per secret, no access policy, nothing protected", () => {
        const plan = plans["dev-rbac"];
        expect(ofType(plan, types.accessPolicy)).toEqual([]);
        const assignments = ofType(plan, types.roleAssignment);
        expect(assignments.length).toBeGreaterThan(0);
        expect(assignments).toHaveLength(ofType(plan, types.vaultSecret).length);
        expect(get(only(plan, types.vault).inputs, "properties", "enableRbacAuthorization")).toBe(
            true,
        );
        expect(plan.resources.filter((r) => r.protect)).toEqual([]);
        for (const a of assignments) expect(holderOf(plan).dependencies).toContain(a.urn);
    });
});

describe("bad arguments", () => {
    const expectRefused = (result: PlanRun, says: RegExp) => {
        expect(result.code, result.stderr).toBe(2);
        const errors = errorLines(result.stderr);
        expect(errors, result.stderr).toHaveLength(1);
        expect(errors[0]).toMatch(says);
        expect(result.stderr).not.toMatch(stackTraceLine);
        expect(result.stdout).toBe("");
    };

    it("a real process: exit 2, one error: line, no stack trace", async () => {
        const result = await run("args:unknown-flag");
        expectRefused(result, badArgs["unknown-flag"].says);
        expect(result.stderr).toMatch(/^Usage: npm run plan/m);
    }, 120_000);

    it.each(Object.entries(badArgs))("%s: exit 2 with one error: line", async (_, c) => {
        expectRefused(await inProcess([...c.argv]), c.says);
    });
});

describe("bad stack files, as real processes", () => {
    const cases = badConfigs.filter((c) => spawnedBadConfigs.includes(c.id));

    it("covers the chosen cases", () => {
        expect(cases.map((c) => c.id).sort()).toEqual([...spawnedBadConfigs].sort());
    });

    it.each(cases)(
        "$id: exit 2, an error: line naming $key, no trace",
        async (c) => {
            const result = await run(`bad:${c.id}`);
            expectRejected(result, c);
            expect(result.stdout).toBe("");
            expect(fs.existsSync(path.join(dirs.bad, `${c.id}.json`))).toBe(false);
            expect(fs.existsSync(path.join(dirs.bad, `${c.id}-out`))).toBe(false);
        },
        120_000,
    );
});

describe("canary scan of every plan", () => {
    const stackSecretKeys = secretConfigKeys;
    /** Stack files this file wrote: the inputs, which hold the ciphertexts on purpose. */
    const isInputStackFile = (file: string) => /(^|[/\\])Pulumi\.[^/\\]+\.yaml$/.test(file);
    let texts: Record<string, string>;
    let needles: Needle[];

    beforeAll(async () => {
        const spawned = await Promise.all(Object.values(runs));
        const tableBase = path.join(dirs.root, "Pulumi.table-base.yaml");
        fs.writeFileSync(tableBase, stackFileText({ id: "table-base", key: "" }));
        const registries = [
            ...stackFiles().map((s) => s.file),
            path.join(dirs.canary, "Pulumi.canary.yaml"),
            tableBase,
        ]
            .map(registryOf)
            .filter((r): r is Registry => r !== undefined);
        const ciphertexts = canaryStrings([
            ...Object.values(cipherCanaries),
            ...badConfigs.flatMap((c) => c.secrets ?? []),
        ]);
        needles = [
            // What the plan puts in place of every secret, as the program would use it.
            ...secretNeedles(
                Object.fromEntries(stackSecretKeys.map((k) => [k, secretPlaceholder(k)])),
                registries,
            ),
            ...ciphertexts.flatMap((v) => secretNeedles({ [`ciphertext ${v}`]: v })),
            { label: "a placeholder", text: "plan-placeholder-for-" },
        ];
        texts = {};
        const parsed = (file: string, content: string): unknown => {
            try {
                if (file.endsWith(".json") || content.startsWith("{")) return JSON.parse(content);
                if (file.endsWith(".yaml")) return parseAllDocuments(content).map((d) => d.toJS());
            } catch {
                // Not a document: the text alone is scanned.
            }
            return undefined;
        };
        const add = (where: string, content: string) => {
            texts[where] = `${content}\n${searchable(parsed(where, content) ?? "")}`;
        };
        for (const r of [...spawned, ...planRuns]) {
            add(`stdout of plan ${r.args.join(" ")}`, r.stdout);
            add(`stderr of plan ${r.args.join(" ")}`, r.stderr);
        }
        for (const [file, content] of Object.entries(readTree(dirs.root))) {
            if (!isInputStackFile(file)) add(file, content);
        }
    }, 120_000);

    it("reads the text, JSON, Mermaid and YAML of dev, prod, the canary stack and every example", () => {
        const files = Object.keys(texts);
        const expected = [
            ...["devA", "devB", "canary"].flatMap((d) => [`${d}/plan.json`, `${d}/plan.mmd`]),
            "prod/plan.mmd",
            ...examples.flatMap((n) => [`examples/${n}.json`, `examples/${n}.mmd`]),
        ].map((f) => f.split("/").join(path.sep));
        expect(files).toEqual(expect.arrayContaining(expected));
        const outDirs = [
            ...["devA", "prod", "canary"].map((d) => `${d}/out/`),
            ...examples.map((n) => `examples/${n}-out/`),
        ];
        for (const out of outDirs) {
            expect(
                files.some((f) => f.split(path.sep).join("/").startsWith(out)),
                `YAML under ${out}`,
            ).toBe(true);
        }
        // Every table case and every example went through a recorded in-process run.
        expect(planRuns.length).toBeGreaterThanOrEqual(badConfigs.length + examples.length);
        // Positive control: plain values of each example are visible to the scan.
        for (const s of stackFiles().filter((x) => x.kind === "example")) {
            const group = readStack({ projectDir, stackFile: s.file }).config[
                "wiz-infra:resourceGroupName"
            ];
            expect(texts[path.join("examples", `${s.name}.json`)], s.name).toContain(group);
        }
    });

    it("finds no placeholder, ciphertext, docker config JSON, nor their base64, anywhere", () => {
        expect(needles.length).toBeGreaterThan(50);
        expect(findLeaks(texts, needles)).toEqual([]);
    });
});
