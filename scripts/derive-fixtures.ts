/**
 * Regenerates the project's fixtures from upstream copies of the Wiz charts and the Secrets Store
 * CSI driver CRD. Run by a maintainer when the pinned chart or driver version changes:
 *
 *   npx tsx scripts/derive-fixtures.ts <reference-dir>
 *
 * where <reference-dir> holds `wiz-charts/<chart>/values.yaml` and
 * `secrets-store-csi/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml`. Only facts are kept
 * (key paths with their kinds, the schema's structure); upstream comments and descriptions are
 * dropped. Tests and the program read the generated files, never the reference directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { ChartKeyIndex, ValueKind } from "../lib/chartValues";

const chartVersion = "0.3.65";

/** Subcharts bundled in the umbrella package, with the values file of the bundled version. */
const subcharts: { prefix: string; file: string }[] = [
    { prefix: "wiz-kubernetes-connector", file: "wiz-kubernetes-connector/values.yaml" },
    { prefix: "wiz-kubernetes-connector.wiz-broker", file: "wiz-broker/values.yaml" },
    {
        prefix: "wiz-admission-controller",
        file: "wiz-admission-controller/packaged-3.13.4-in-umbrella-0.3.65/values.yaml",
    },
    { prefix: "wiz-sensor", file: "wiz-sensor/values.yaml" },
];

function kindOf(value: unknown): ValueKind {
    if (Array.isArray(value)) return "list";
    if (value === null || value === undefined) return "open";
    if (typeof value === "object") {
        return Object.keys(value as object).length === 0 ? "open" : "map";
    }
    return "scalar";
}

function collect(value: unknown, prefix: string, into: Map<string, ValueKind>): void {
    const kind = kindOf(value);
    const existing = into.get(prefix);
    // A key declared as a map in one chart and left open in another stays a map: the declared
    // children are the ones templates read.
    if (prefix !== "" && !(existing === "map" && kind === "open")) into.set(prefix, kind);
    if (kind !== "map") return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        collect(child, prefix === "" ? key : `${prefix}.${key}`, into);
    }
}

function deriveChartKeys(referenceDir: string): ChartKeyIndex {
    const keys = new Map<string, ValueKind>();
    const read = (file: string) =>
        parse(fs.readFileSync(path.join(referenceDir, "wiz-charts", file), "utf8"));

    collect(read("wiz-kubernetes-integration/values.yaml"), "", keys);
    for (const sub of subcharts) {
        const values = read(sub.file) as Record<string, unknown>;
        const { global, ...local } = values;
        collect(local, sub.prefix, keys);
        // Helm merges every chart's `global` block into the umbrella's `global`.
        if (global !== undefined) collect(global, "global", keys);
    }
    const sorted = [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
        chart: "wiz-kubernetes-integration",
        version: chartVersion,
        keys: Object.fromEntries(sorted),
    };
}

function stripDescriptions(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(stripDescriptions);
    if (node === null || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (key === "description") continue;
        out[key] = stripDescriptions(value);
    }
    return out;
}

function deriveSpcSchema(referenceDir: string): unknown {
    const crd = parse(
        fs.readFileSync(
            path.join(
                referenceDir,
                "secrets-store-csi",
                "secrets-store.csi.x-k8s.io_secretproviderclasses.yaml",
            ),
            "utf8",
        ),
    ) as { spec: { versions: { name: string; schema: { openAPIV3Schema: unknown } }[] } };
    const v1 = crd.spec.versions.find((v) => v.name === "v1");
    if (!v1) throw new Error("the CRD has no v1 version");
    return {
        group: "secrets-store.csi.x-k8s.io",
        version: "v1",
        kind: "SecretProviderClass",
        driverRelease: "v1.6.0",
        openAPIV3Schema: stripDescriptions(v1.schema.openAPIV3Schema),
    };
}

function main(): void {
    const referenceDir = process.argv[2];
    if (!referenceDir) {
        console.error("usage: tsx scripts/derive-fixtures.ts <reference-dir>");
        process.exit(2);
    }
    const outDir = path.join(__dirname, "..", "fixtures");
    fs.mkdirSync(outDir, { recursive: true });
    const write = (name: string, data: unknown) =>
        fs.writeFileSync(path.join(outDir, name), `${JSON.stringify(data, null, 2)}\n`);
    write(`wiz-kubernetes-integration-${chartVersion}.keys.json`, deriveChartKeys(referenceDir));
    write("secretproviderclass-v1.schema.json", deriveSpcSchema(referenceDir));
}

main();
