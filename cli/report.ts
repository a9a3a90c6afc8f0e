/**
 * Turns a capture into what people and machines read: the preview-like tree, the JSON
 * document, the Mermaid graph, and the rendered Kubernetes objects and Helm values.
 */
import { stringify } from "yaml";
import type { CheckResult } from "../lib/checks";
import type { Capture, CapturedResource, LogEntry } from "./capture";

export interface PlanReport {
    project: string;
    stack: string;
    resources: {
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        dependencies: string[];
        provider: string | null;
        protect: boolean;
        customTimeouts: Record<string, string> | null;
        inputs: Record<string, unknown>;
    }[];
    outputs: Record<string, unknown>;
    checks: CheckResult[];
    warnings: string[];
}

/** Deep copy with object keys sorted, for byte-stable JSON and YAML. */
export function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.keys(value as object)
                .sort()
                .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
        );
    }
    return value;
}

function warningsOf(logs: LogEntry[]): string[] {
    return logs.filter((l) => l.severity !== "info").map((l) => l.message);
}

export function buildReport(
    meta: { project: string; stack: string },
    capture: Capture,
    checks: CheckResult[],
): PlanReport {
    return {
        project: meta.project,
        stack: meta.stack,
        resources: capture.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent ?? null,
            dependencies: r.dependencies,
            provider: r.provider ?? null,
            protect: r.protect,
            customTimeouts: r.customTimeouts
                ? (Object.fromEntries(
                      Object.entries(r.customTimeouts).filter(([, v]) => v),
                  ) as Record<string, string>)
                : null,
            inputs: r.inputs,
        })),
        outputs: capture.outputs,
        checks,
        warnings: warningsOf(capture.logs),
    };
}

export function reportJson(report: PlanReport): string {
    return `${JSON.stringify(sortKeys(report), null, 2)}\n`;
}

/** Children of each parent, in registration order. */
function childrenOf(resources: { urn: string; parent?: string | null }[]) {
    const children = new Map<string, string[]>();
    const roots: string[] = [];
    const known = new Set(resources.map((r) => r.urn));
    for (const r of resources) {
        if (r.parent && known.has(r.parent)) {
            const list = children.get(r.parent) ?? [];
            list.push(r.urn);
            children.set(r.parent, list);
        } else {
            roots.push(r.urn);
        }
    }
    return { children, roots };
}

export function renderTree(report: PlanReport, files: string[]): string {
    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    const { children, roots } = childrenOf(report.resources);
    const rows: [string, string, string][] = [];
    const walk = (urn: string, prefix: string, last: boolean, depth: number) => {
        const r = byUrn.get(urn);
        if (!r) return;
        const branch = depth === 0 ? "" : `${prefix}${last ? "└─ " : "├─ "}`;
        const notes = [r.protect ? "protected" : ""].filter(Boolean).join(", ");
        rows.push([`${branch}${r.type}`, r.name, notes]);
        const kids = children.get(urn) ?? [];
        const nextPrefix = depth === 0 ? "" : `${prefix}${last ? "   " : "│  "}`;
        kids.forEach((k, i) => {
            walk(k, nextPrefix, i === kids.length - 1, depth + 1);
        });
    };
    roots.forEach((r, i) => {
        walk(r, "", i === roots.length - 1, 0);
    });

    const width = Math.max(4, ...rows.map(([t]) => t.length)) + 2;
    const lines: string[] = [];
    lines.push(
        `Offline plan of ${report.project} (stack ${report.stack}): simulated providers, no cloud calls`,
    );
    lines.push("");
    lines.push(`     ${"Type".padEnd(width)}Name`);
    for (const [type, name, notes] of rows) {
        lines.push(` +   ${type.padEnd(width)}${name}${notes ? `  [${notes}]` : ""}`);
    }
    lines.push("");
    const custom = report.resources.filter(
        (r) => !r.type.startsWith("wiz-infra:") && r.type !== "pulumi:pulumi:Stack",
    );
    lines.push(
        `Resources: + ${report.resources.length} to create (${custom.length} cloud or cluster resources, ${report.resources.length - custom.length} components and stack)`,
    );
    const protectedOnes = report.resources.filter((r) => r.protect);
    if (protectedOnes.length > 0)
        lines.push(`Protected: ${protectedOnes.map((r) => r.name).join(", ")}`);
    lines.push("");
    if (report.warnings.length > 0) {
        lines.push("Warnings:");
        for (const w of report.warnings) lines.push(`  ! ${w}`);
        lines.push("");
    }
    lines.push("Checks:");
    for (const c of report.checks) lines.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`);
    lines.push("");
    lines.push("Outputs:");
    for (const [k, v] of Object.entries(sortKeys(report.outputs) as Record<string, unknown>)) {
        lines.push(`    ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
    }
    if (files.length > 0) {
        lines.push("");
        lines.push("Files:");
        for (const f of files) lines.push(`  ${f}`);
    }
    return `${lines.join("\n")}\n`;
}

/** Mermaid flowchart: components as subgraphs, arrows from a dependency to its dependent. */
export function renderMermaid(report: PlanReport): string {
    const ids = new Map(report.resources.map((r, i) => [r.urn, `r${i}`]));
    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    const { children, roots } = childrenOf(report.resources);
    const label = (r: PlanReport["resources"][number]) => {
        const type = r.type.replace(/^azure-native:/, "").replace(/^kubernetes:/, "k8s:");
        return `"${r.name}<br/><small>${type}</small>"`.replace(/[[\]]/g, "");
    };
    const lines = ["flowchart LR"];
    const emit = (urn: string, indent: string) => {
        const r = byUrn.get(urn);
        if (!r) return;
        const kids = children.get(urn) ?? [];
        const isGroup = r.type === "pulumi:pulumi:Stack" || r.type.startsWith("wiz-infra:");
        if (isGroup) {
            if (r.type === "pulumi:pulumi:Stack") {
                for (const k of kids) emit(k, indent);
                return;
            }
            lines.push(`${indent}subgraph ${ids.get(urn)}[${label(r)}]`);
            for (const k of kids) emit(k, `${indent}    `);
            lines.push(`${indent}end`);
        } else {
            lines.push(`${indent}${ids.get(urn)}[${label(r)}]`);
            for (const k of kids) emit(k, indent);
        }
    };
    for (const r of roots) emit(r, "    ");
    for (const r of report.resources) {
        for (const dep of r.dependencies) {
            const from = byUrn.get(dep);
            if (!from || from.type.startsWith("wiz-infra:")) continue;
            lines.push(`    ${ids.get(dep)} --> ${ids.get(r.urn)}`);
        }
        if (r.provider && ids.has(r.provider)) {
            lines.push(`    ${ids.get(r.provider)} -.-> ${ids.get(r.urn)}`);
        }
    }
    return `${lines.join("\n")}\n`;
}

const renderedKinds: Record<string, string> = {
    "kubernetes:core/v1:Namespace": "namespace",
    "kubernetes:core/v1:ServiceAccount": "serviceaccount",
    "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass": "secretproviderclass",
    "kubernetes:apps/v1:Deployment": "deployment",
};

/** The rendered Kubernetes objects and Helm values, as YAML files: name → content. */
export function renderObjects(resources: CapturedResource[]): Record<string, string> {
    const files: Record<string, string> = {};
    for (const r of resources) {
        const prefix = renderedKinds[r.type];
        if (prefix) {
            const meta = r.inputs.metadata as { name?: string } | undefined;
            files[`${prefix}-${meta?.name ?? r.name}.yaml`] = stringify(sortKeys(r.inputs), {
                lineWidth: 0,
            });
        }
        if (r.type === "kubernetes:helm.sh/v3:Release") {
            files[`helm-values-${String(r.inputs.name ?? r.name)}.yaml`] = stringify(
                sortKeys(r.inputs.values ?? {}),
                {
                    lineWidth: 0,
                },
            );
        }
    }
    return files;
}
