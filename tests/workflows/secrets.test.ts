/**
 * How the workflows hand the stack's secrets to Pulumi: from GitHub environment secrets, only to
 * the step that runs Pulumi, for every secret key the program declares.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { secretConfigKeys } from "../../cli/capture";
import { ConfigError, fullKey, keySpecs, parseStackConfig } from "../../stacks/config";
import {
    allJobs,
    environmentOf,
    expr,
    files,
    type Job,
    load,
    pulumiJobs,
    root,
    type Step,
    stacks,
} from "./workflowFiles";

/** The secret config keys, as the program declares them. */
const secretKeys = secretConfigKeys.map((key) => key.slice(key.indexOf(":") + 1)).sort();

/** The GitHub secret that holds a config key's value: wizClientId -> WIZ_CLIENT_ID. */
const secretName = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** A value with everything that could break YAML or JSON quoting, different per secret. */
const canary = (name: string) => `c:"${name}" #{x}, 'y' \\ z\n`;

const CHECK_STEP = "Stack secrets are set";

/** Every `${{ … }}` expression in a workflow that mentions the secrets context, with its place. */
function secretExpressions(node: unknown, at: string[] = []): { at: string; text: string }[] {
    if (typeof node === "string") {
        return [...node.matchAll(/\$\{\{(.*?)\}\}/gs)]
            .filter((m) => /\bsecrets\b/.test(m[1]))
            .map((m) => ({ at: at.join("."), text: m[0] }));
    }
    if (node !== null && typeof node === "object") {
        return Object.entries(node).flatMap(([k, v]) => secretExpressions(v, [...at, k]));
    }
    return [];
}

/** The values of stack's config file as the CLI hands them to the program. */
function stackValues(stack: string): Record<string, string> {
    const file = parse(readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    return Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, String(v)]));
}

/** The secret keys a stack cannot run without, according to the program's own validation. */
function neededSecrets(values: Record<string, string>): string[] {
    const all = Object.fromEntries(secretKeys.map((k) => [fullKey(k), "set"]));
    const stackWith = (secrets: Record<string, string>) => {
        try {
            parseStackConfig({
                stack: "probe",
                values: { ...values, ...secrets },
                secretKeys: new Set(Object.keys(secrets)),
            });
            return [];
        } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            return error.issues.map((i) => i.key);
        }
    };
    expect(stackWith(all)).toEqual([]);
    return secretKeys.filter((key) => {
        const { [fullKey(key)]: _, ...others } = all;
        return stackWith(others).includes(fullKey(key));
    });
}

const checkStep = (job: Job) => job.steps.find((s) => s.name === CHECK_STEP);

/** A step's config-map as pulumi/actions parses it, with each secret replaced by its canary. */
function renderedConfigMap(step: Step): Record<string, { value: unknown; secret: unknown }> {
    const raw = String(step.with?.["config-map"]);
    const rendered = raw.replace(/\$\{\{ toJSON\(secrets\.(\w+)\) \}\}/g, (_, name: string) =>
        JSON.stringify(canary(name)),
    );
    return parse(rendered) ?? {};
}

describe("the stack's secret keys", () => {
    it("come from the program's config schema", () => {
        expect(secretKeys.length).toBeGreaterThanOrEqual(2);
        for (const key of secretKeys) expect(Object.keys(keySpecs)).toContain(key);
    });

    it.each(stacks)("are all needed by stack %s, whose file holds none of them", (stack) => {
        const values = stackValues(stack);
        for (const key of secretKeys) expect(Object.keys(values)).not.toContain(fullKey(key));
        // Both stacks run the sensor, so the registry password is needed as well.
        expect(neededSecrets(values)).toEqual(secretKeys);
    });
});

describe("every step that runs Pulumi", () => {
    it("is a preview or an up in a job per stack", () => {
        expect(pulumiJobs.map(({ id, step }) => `${id}:${step.with?.command}`).sort()).toEqual([
            "preview:preview",
            "up-dev:up",
            "up-prod:up",
        ]);
    });

    it.each(pulumiJobs)("$id sets every secret key of the stack as a secret", ({ step }) => {
        const raw = String(step.with?.["config-map"]);
        // Each value is the GitHub secret of the same name, JSON-quoted so no character of it can
        // change the YAML; substitute what GitHub would, with values full of YAML syntax.
        const expressions = [...raw.matchAll(/\$\{\{(.*?)\}\}/g)].map((m) => m[1].trim());
        expect(expressions.sort()).toEqual(
            secretKeys.map((k) => `toJSON(secrets.${secretName(k)})`).sort(),
        );
        expect(renderedConfigMap(step)).toEqual(
            Object.fromEntries(
                secretKeys.map((k) => [fullKey(k), { value: canary(secretName(k)), secret: true }]),
            ),
        );
    });

    it.each(pulumiJobs)("$id provides every secret its stack needs", ({ id, step, job }) => {
        const provided = Object.keys(renderedConfigMap(step));
        const stackOf = (stack: string) =>
            String(step.with?.["stack-name"]).replace(expr("matrix.stack"), stack);
        const jobStacks =
            job.strategy?.matrix?.stack !== undefined
                ? (job.strategy.matrix.stack as string[])
                : [String(step.with?.["stack-name"])];
        expect(jobStacks.length, id).toBeGreaterThan(0);
        for (const stack of jobStacks.map(stackOf)) {
            expect(stacks, id).toContain(stack);
            for (const key of neededSecrets(stackValues(stack))) {
                expect(provided, `${id} ${stack}`).toContain(fullKey(key));
            }
        }
    });

    it.each(pulumiJobs)("$id gets the Pulumi Cloud token in the step only", ({ step }) => {
        expect(step.env).toEqual({ PULUMI_ACCESS_TOKEN: expr("secrets.PULUMI_ACCESS_TOKEN") });
    });

    it.each(pulumiJobs)("$id reads the secrets of a GitHub environment", ({ id, job }) => {
        const environment = environmentOf(job);
        if (id === "preview") expect(environment).toBe(`preview-${expr("matrix.stack")}`);
        else expect(environment).toBe(id.replace(/^up-/, ""));
    });
});

describe("secrets stay in the steps that need them", () => {
    it("no workflow or job env holds a secret, so npm ci and its scripts never see one", () => {
        for (const file of files)
            expect(JSON.stringify(load(file).env ?? {})).not.toMatch(/secrets/);
        for (const { id, job } of allJobs) {
            expect(JSON.stringify(job.env ?? {}), id).not.toMatch(/secrets/);
        }
    });

    it("no job hands on the whole secrets context or picks a secret by a computed name", () => {
        for (const { id, job } of allJobs) {
            expect(job, id).not.toHaveProperty("secrets");
            expect(JSON.stringify(job), id).not.toMatch(/\bsecrets\s*(\)|\[|,)/);
        }
    });

    it("references a secret's value only in the Pulumi step, its presence only in the check", () => {
        const names = [...secretKeys.map(secretName), "PULUMI_ACCESS_TOKEN"];
        const found = files.flatMap((file) =>
            Object.entries(load(file).jobs).flatMap(([id, job]) =>
                job.steps.flatMap((step, i) =>
                    secretExpressions(step, [file, id, String(i)]).map((e) => ({ ...e, step })),
                ),
            ),
        );
        expect(found.length).toBeGreaterThan(0);
        const total = files
            .map((file) => secretExpressions(load(file)).length)
            .reduce((a, b) => a + b, 0);
        expect(found).toHaveLength(total);
        for (const { at, text, step } of found) {
            const name = /secrets\.(\w+)/.exec(text)?.[1] ?? "";
            expect(names, at).toContain(name);
            if (step.name === CHECK_STEP) {
                expect(at).toMatch(/\.env\.HAS_\w+$/);
                expect(text).toBe(expr(`secrets.${name} != ''`));
            } else {
                expect(step.uses?.split("@")[0], at).toBe("pulumi/actions");
                expect([expr(`toJSON(secrets.${name})`), expr(`secrets.${name}`)], at).toContain(
                    text,
                );
            }
        }
    });
});

describe("the check that the environment holds the secrets", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wiz-infra-secrets-check-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const run = (step: Step, stackFile: string, present: string[]) => {
        const stack = "probe";
        writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stackFile);
        const env: Record<string, string> = {
            PATH: process.env.PATH ?? "",
            STACK: stack,
            ENVIRONMENT: "env-under-test",
        };
        for (const key of secretKeys) {
            env[`HAS_${secretName(key)}`] = String(present.includes(secretName(key)));
        }
        try {
            execFileSync("bash", ["-e", "-c", String(step.run)], { cwd: dir, env, stdio: "pipe" });
            return { ok: true, out: "" };
        } catch (error) {
            return { ok: false, out: String((error as { stdout: Buffer }).stdout) };
        }
    };

    it.each(pulumiJobs)("$id checks every secret key before logging in", ({ job }) => {
        const step = checkStep(job);
        expect(step).toBeDefined();
        const flags = Object.keys(step?.env ?? {}).filter((k) => k.startsWith("HAS_"));
        expect(flags.sort()).toEqual(secretKeys.map((k) => `HAS_${secretName(k)}`).sort());
        expect(step?.run).not.toContain("${{");
        const at = job.steps.indexOf(step as Step);
        expect(at).toBeLessThan(job.steps.findIndex((s) => s.uses?.startsWith("azure/login@")));
    });

    it.each(pulumiJobs)(
        "$id asks exactly for the secrets the program requires, naming the missing ones",
        ({ job, id }) => {
            const step = checkStep(job) as Step;
            const base = readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8");
            const sensorOff = base.replace(
                /wiz-infra:wizSensor: true/,
                "wiz-infra:wizSensor: false",
            );
            expect(sensorOff).not.toBe(base);
            for (const stackFile of [base, sensorOff]) {
                const values = Object.fromEntries(
                    Object.entries(
                        (parse(stackFile) as { config: Record<string, unknown> }).config,
                    ).map(([k, v]) => [k, String(v)]),
                );
                const needed = neededSecrets(values).map(secretName);
                expect(run(step, stackFile, needed), id).toEqual({ ok: true, out: "" });
                for (const name of needed) {
                    const result = run(
                        step,
                        stackFile,
                        needed.filter((n) => n !== name),
                    );
                    expect(result.ok, `${id} without ${name}`).toBe(false);
                    expect(result.out).toContain("env-under-test");
                    expect(result.out).toContain(name);
                }
            }
        },
    );
});

describe("docs/delivery.md", () => {
    const doc = readFileSync(path.join(root, "docs", "delivery.md"), "utf8");
    const loggedIn = allJobs.filter(({ job }) =>
        job.steps.some((s) => s.uses?.startsWith("azure/login@")),
    );
    const environments = loggedIn
        .flatMap(({ job }) => {
            const name = environmentOf(job) ?? "";
            const matrix = (job.strategy?.matrix?.stack as string[] | undefined) ?? [undefined];
            return matrix.map((stack) =>
                stack === undefined ? name : name.replace(expr("matrix.stack"), stack),
            );
        })
        .sort();

    it("lists each stack secret with its GitHub secret name", () => {
        for (const key of secretKeys) {
            expect(doc).toMatch(
                new RegExp(`\\| \`${fullKey(key)}\`\\s*\\| \`${secretName(key)}\`\\s*\\|`),
            );
            expect(doc).toContain(`gh secret set ${secretName(key)} --env "$env"`);
        }
    });

    it("creates the secrets in every environment a job logs in from", () => {
        expect(environments).toEqual(["dev", "preview-dev", "preview-prod", "prod"]);
        const loop = /for env in ([^;]+); do\n\s+gh secret set/.exec(doc)?.[1].split(/\s+/).sort();
        expect(loop).toEqual(environments);
    });

    it("creates a federated credential for exactly those environments", () => {
        const loops = [...doc.matchAll(/for subject in ([^;]+); do/g)].map((m) =>
            m[1].trim().split(/\s+/).sort(),
        );
        expect(loops).toHaveLength(2);
        for (const subjects of loops) {
            expect(subjects).toEqual(environments.map((e) => `environment:${e}`));
        }
    });
});
