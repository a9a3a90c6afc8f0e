/**
 * The critical path of `pulumi up` for a planned stack, and why each of its edges exists.
 *
 * A resource is created after everything it waits for: its `dependencies` (a component in that
 * list stands for every custom resource under it), its explicit provider, and a custom parent.
 * Components and the stack provision nothing and are left out of chains. Edges are classified
 * with the per-property dependencies of the capture: an edge that some input property carries is
 * "data"; any other dependency is "explicit" and must match a documented ordering constraint.
 */
import type { PlanReport } from "../cli/report";
import {
    estimateFor,
    isComponentType,
    orderingConstraints,
    type Role,
    roleOf,
    type TimeEstimate,
} from "./estimates";

/** A resource as the plan's JSON report (`--json`) lists it. */
export type PlanResource = PlanReport["resources"][number];

export type Via = "dependency" | "provider" | "parent";

export interface Wait {
    /** The resource waited for. */
    urn: string;
    via: Via;
    /** The URN as listed in `dependencies`, when it was a component expanded to this child. */
    listed?: string;
}

export type EdgeKind = "data" | "provider" | "parent" | "explicit" | "unknown";

export interface EdgeVerdict {
    from: string;
    to: string;
    kind: EdgeKind;
    /** For data edges, the input properties that carry it. */
    properties?: string[];
    /** For explicit edges, the documented constraint, when one applies. */
    constraint?: string;
    justified: boolean;
}

export interface Chain {
    urns: string[];
    low: number;
    typical: number;
    high: number;
    edges: EdgeVerdict[];
}

export interface StackAnalysis {
    resources: number;
    custom: number;
    byCount: Chain;
    byTime: Chain;
    /** Every explicit (non-data) dependency edge of the graph, classified. */
    explicitEdges: EdgeVerdict[];
    unlistedTypes: string[];
    /** Set when the capture with property dependencies was not available. */
    propertyDependenciesMissing: boolean;
}

const shortType = (type: string) =>
    type.replace(/^azure-native:/, "az:").replace(/^kubernetes:/, "k8s:");

export function label(r: { type: string; name: string }): string {
    return `${shortType(r.type)} ${r.name}`;
}

export function analyseStack(
    resources: PlanResource[],
    propertyDependencies: Map<string, Record<string, string[]>> | undefined,
): StackAnalysis {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const isCustom = (urn: string) => {
        const r = byUrn.get(urn);
        return r !== undefined && !isComponentType(r.type);
    };
    const children = new Map<string, string[]>();
    for (const r of resources) {
        if (!r.parent) continue;
        const list = children.get(r.parent) ?? [];
        list.push(r.urn);
        children.set(r.parent, list);
    }
    const customDescendants = (urn: string): string[] =>
        (children.get(urn) ?? []).flatMap((c) =>
            isCustom(c) ? [c, ...customDescendants(c)] : customDescendants(c),
        );

    const waits = new Map<string, Wait[]>();
    for (const r of resources) {
        if (!isCustom(r.urn)) continue;
        const list: Wait[] = [];
        const seen = new Set<string>();
        const add = (w: Wait) => {
            if (w.urn === r.urn || seen.has(w.urn) || !isCustom(w.urn)) return;
            seen.add(w.urn);
            list.push(w);
        };
        for (const dep of r.dependencies) {
            if (isCustom(dep)) add({ urn: dep, via: "dependency" });
            else
                for (const d of customDescendants(dep))
                    add({ urn: d, via: "dependency", listed: dep });
        }
        if (r.provider) add({ urn: r.provider, via: "provider" });
        if (r.parent) add({ urn: r.parent, via: "parent" });
        waits.set(r.urn, list);
    }

    const estimate = (urn: string): TimeEstimate => estimateFor(byUrn.get(urn)?.type ?? "");
    const longest = (score: (count: number, seconds: number) => [number, number]) => {
        const best = new Map<string, { count: number; seconds: number; prev?: string }>();
        const visiting = new Set<string>();
        const visit = (urn: string): { count: number; seconds: number } => {
            const known = best.get(urn);
            if (known) return known;
            if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
            visiting.add(urn);
            let top: { count: number; seconds: number; prev?: string } = { count: 0, seconds: 0 };
            for (const w of waits.get(urn) ?? []) {
                const sub = visit(w.urn);
                if (better(score(sub.count, sub.seconds), score(top.count, top.seconds))) {
                    top = { ...sub, prev: w.urn };
                }
            }
            visiting.delete(urn);
            const own = {
                count: top.count + 1,
                seconds: top.seconds + estimate(urn).typical,
                prev: top.prev,
            };
            best.set(urn, own);
            return own;
        };
        let end: string | undefined;
        for (const urn of waits.keys()) {
            const here = visit(urn);
            const current = end ? best.get(end) : undefined;
            if (
                !current ||
                better(score(here.count, here.seconds), score(current.count, current.seconds))
            ) {
                end = urn;
            }
        }
        const urns: string[] = [];
        for (let at = end; at; at = best.get(at)?.prev) urns.unshift(at);
        return urns;
    };

    const verdict = (to: string, from: string): EdgeVerdict => {
        const wait = (waits.get(to) ?? []).find((w) => w.urn === from);
        const dependent = byUrn.get(to) as PlanResource;
        const dependency = byUrn.get(from) as PlanResource;
        if (wait?.via === "provider") return { from, to, kind: "provider", justified: true };
        if (wait?.via === "parent") return { from, to, kind: "parent", justified: true };
        const props = propertyDependencies?.get(to);
        if (!props) return { from, to, kind: "unknown", justified: false };
        const listed = wait?.listed ?? from;
        const carrying = Object.entries(props)
            .filter(([, urns]) => urns.includes(listed) || urns.includes(from))
            .map(([property]) => property)
            .sort();
        if (carrying.length > 0) {
            return { from, to, kind: "data", properties: carrying, justified: true };
        }
        const parentType = (r: PlanResource) => (r.parent ? byUrn.get(r.parent)?.type : undefined);
        const roles: [Role, Role] = [
            roleOf({ type: dependent.type, parentType: parentType(dependent) }),
            roleOf({ type: dependency.type, parentType: parentType(dependency) }),
        ];
        const constraint = orderingConstraints.find(
            (c) =>
                c.dependent === roles[0] &&
                c.dependency === roles[1] &&
                (c.applies?.(dependent.inputs, dependency.inputs) ?? true),
        );
        return constraint
            ? { from, to, kind: "explicit", constraint: constraint.reason, justified: true }
            : { from, to, kind: "explicit", justified: false };
    };

    const chainOf = (urns: string[]): Chain => {
        const sum = (pick: (e: TimeEstimate) => number) =>
            urns.reduce((total, urn) => total + pick(estimate(urn)), 0);
        return {
            urns,
            low: sum((e) => e.low),
            typical: sum((e) => e.typical),
            high: sum((e) => e.high),
            edges: urns.slice(1).map((to, i) => verdict(to, urns[i])),
        };
    };

    const explicitEdges: EdgeVerdict[] = [];
    for (const [to, list] of waits) {
        for (const w of list) {
            if (w.via !== "dependency") continue;
            const v = verdict(to, w.urn);
            if (v.kind !== "data") explicitEdges.push(v);
        }
    }

    return {
        resources: resources.length,
        custom: waits.size,
        // Longest by resource count (ties: longer estimate), and longest by estimated time.
        byCount: chainOf(longest((count, seconds) => [count, seconds])),
        byTime: chainOf(longest((count, seconds) => [seconds, count])),
        explicitEdges,
        unlistedTypes: [
            ...new Set(resources.filter((r) => !estimateFor(r.type).listed).map((r) => r.type)),
        ].sort(),
        propertyDependenciesMissing: propertyDependencies === undefined,
    };
}

function better(a: [number, number], b: [number, number]): boolean {
    return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

export function describeEdge(v: EdgeVerdict): string {
    switch (v.kind) {
        case "data":
            return `data (${(v.properties ?? []).join(", ")})`;
        case "provider":
            return "provider (created through it)";
        case "parent":
            return "parent (custom parent)";
        case "explicit":
            return v.constraint ? `explicit, documented: ${v.constraint}` : "explicit, UNJUSTIFIED";
        default:
            return "unclassified (no property dependencies captured)";
    }
}
