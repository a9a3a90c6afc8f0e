/** The project's GitHub Actions workflows, parsed, and small helpers the workflow tests share. */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const root = path.join(__dirname, "..", "..");
export const workflowDir = path.join(root, ".github", "workflows");

export type Json = Record<string, unknown>;
export interface Step {
    name?: string;
    uses?: string;
    run?: string;
    with?: Json;
    env?: Json;
}
export interface Job {
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
export interface Workflow {
    on: Json;
    env?: Json;
    permissions?: Json;
    jobs: Record<string, Job>;
}

export const files = readdirSync(workflowDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
export const text = (file: string) => readFileSync(path.join(workflowDir, file), "utf8");
export const load = (file: string) => parse(text(file)) as Workflow;

/** Stacks are the Pulumi.<stack>.yaml files of the project. */
export const stacks = readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();

export const allJobs = files.flatMap((file) =>
    Object.entries(load(file).jobs).map(([id, job]) => ({ file, id, job })),
);
export const stepsUsing = (job: Job, action: string) =>
    job.steps.filter((s) => s.uses?.split("@")[0] === action);
export const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
export const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
/** A GitHub Actions expression as it appears in a workflow: `${{ <expression> }}`. */
export const expr = (expression: string) => `\${{ ${expression} }}`;
export const environmentOf = (job: Job) =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;
export const isPulumiStep = (step: Step) => step.uses?.split("@")[0] === "pulumi/actions";

/** Every job that runs a Pulumi command, with that step. */
export const pulumiJobs = allJobs.flatMap(({ file, id, job }) =>
    job.steps.filter(isPulumiStep).map((step) => ({ file, id, job, step })),
);
