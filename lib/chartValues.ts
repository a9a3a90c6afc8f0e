/**
 * The value keys of the pinned Wiz chart, indexed from its values files (umbrella and bundled
 * subcharts) into `fixtures/`. No Wiz chart ships a values schema and Helm ignores unknown keys
 * silently, so every key the program sets is checked against this index.
 */
import index0365 from "../fixtures/wiz-kubernetes-integration-0.3.65.keys.json";

/**
 * - `scalar`: a string, number or boolean;
 * - `map`: a mapping with declared children (only those are read by the templates);
 * - `open`: an empty mapping or a null by default, taking any children (labels, selectors…);
 * - `list`: a list, set as a whole.
 */
export type ValueKind = "scalar" | "map" | "open" | "list";

export interface ChartKeyIndex {
    chart: string;
    version: string;
    keys: Record<string, ValueKind>;
}

const indexes: Record<string, ChartKeyIndex> = {
    [index0365.version]: index0365 as ChartKeyIndex,
};

export const supportedChartVersions = Object.keys(indexes) as [string, ...string[]];

export function chartKeyIndex(version: string): ChartKeyIndex {
    const found = indexes[version];
    if (!found) throw new Error(`no value-key index for chart version ${version}`);
    return found;
}

/** A key the values set that the chart does not have, or sets with the wrong shape. */
export interface UnknownValueKey {
    path: string;
    reason: string;
}

/** Every leaf key path a values object sets, as dotted paths (for messages). */
export function setKeyPaths(values: Record<string, unknown>): string[] {
    const out: string[] = [];
    const walk = (node: unknown, path: string[]) => {
        if (node !== null && typeof node === "object" && !Array.isArray(node)) {
            const entries = Object.entries(node as Record<string, unknown>);
            if (entries.length === 0 && path.length > 0) out.push(path.join("."));
            for (const [k, v] of entries) walk(v, [...path, k]);
        } else {
            out.push(path.join("."));
        }
    };
    walk(values, []);
    return out;
}

/** Checks every key the values set against the chart's index. */
export function findUnknownValueKeys(
    values: Record<string, unknown>,
    index: ChartKeyIndex,
): UnknownValueKey[] {
    const problems: UnknownValueKey[] = [];
    const walk = (node: unknown, path: string[]) => {
        const dotted = path.join(".");
        const kind = path.length === 0 ? "map" : index.keys[dotted];
        if (kind === undefined) {
            problems.push({
                path: dotted,
                reason: `is not a value of ${index.chart} ${index.version}`,
            });
            return;
        }
        if (kind === "open") return;
        const isMap = node !== null && typeof node === "object" && !Array.isArray(node);
        if (kind === "map") {
            if (!isMap) {
                problems.push({
                    path: dotted,
                    reason: "is a mapping in the chart, set here to a non-mapping",
                });
                return;
            }
            for (const [k, v] of Object.entries(node as Record<string, unknown>))
                walk(v, [...path, k]);
            return;
        }
        if (kind === "list" && !Array.isArray(node)) {
            problems.push({
                path: dotted,
                reason: "is a list in the chart, set here to a non-list",
            });
        }
        if (kind === "scalar" && (isMap || Array.isArray(node))) {
            problems.push({
                path: dotted,
                reason: "is a single value in the chart, set here to a structure",
            });
        }
    };
    walk(values, []);
    return problems;
}
