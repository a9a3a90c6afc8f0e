import { describe, expect, it } from "vitest";
import fixture from "../../fixtures/wiz-kubernetes-integration-0.3.65.keys.json";
import {
    chartKeyIndex,
    findUnknownValueKeys,
    setKeyPaths,
    supportedChartVersions,
} from "../../lib/chartValues";

const index = chartKeyIndex("0.3.65");
const keys = fixture.keys as Record<string, string>;

/** Builds a nested values object setting one dotted path. */
function set(path: string, value: unknown): Record<string, unknown> {
    const parts = path.split(".");
    let node: unknown = value;
    for (const part of parts.reverse()) node = { [part]: node };
    return node as Record<string, unknown>;
}

describe("fixture", () => {
    it("indexes wiz-kubernetes-integration 0.3.65", () => {
        expect(fixture.chart).toBe("wiz-kubernetes-integration");
        expect(fixture.version).toBe("0.3.65");
        expect(index.version).toBe("0.3.65");
        expect(supportedChartVersions).toEqual(["0.3.65"]);
    });

    it("has the keys the program sets", () => {
        expect(keys["wiz-sensor.imagePullSecret.name"]).toBe("scalar");
        expect(keys["wiz-sensor.imagePullSecret.create"]).toBe("scalar");
        expect(keys["global.wizApiToken.secret.create"]).toBe("scalar");
        expect(keys["global.wizApiToken.secret.name"]).toBe("scalar");
        expect(keys["global.clusterDisplayName"]).toBe("scalar");
        expect(keys["global.commonLabels"]).toBe("open");
        expect(keys["wiz-admission-controller.opaWebhook.namespaceSelector.matchExpressions"]).toBe(
            "list",
        );
    });

    it("nests the broker under the connector", () => {
        const broker = Object.keys(keys).filter((k) =>
            k.startsWith("wiz-kubernetes-connector.wiz-broker."),
        );
        expect(broker.length).toBeGreaterThan(10);
        expect(keys["wiz-kubernetes-connector.wiz-broker"]).toBe("map");
        expect(keys["wiz-kubernetes-connector.wiz-broker.enabled"]).toBe("scalar");
    });

    it("uses only the four kinds, and every parent is a map", () => {
        for (const [path, kind] of Object.entries(keys)) {
            expect(["scalar", "map", "open", "list"], path).toContain(kind);
            const dot = path.lastIndexOf(".");
            if (dot > 0) expect(keys[path.slice(0, dot)], path).toBe("map");
        }
    });

    it("refuses a chart version it has not indexed", () => {
        expect(() => chartKeyIndex("0.3.64")).toThrow(/0\.3\.64/);
    });
});

describe("findUnknownValueKeys", () => {
    it.each([
        "global.wizApiToken.clientIdKey",
        "global.wizApiToken.secret.clientIdKey",
        "wiz-kubernetes-connector.podLabels",
        "wiz-kubernetes-connector.volumes",
        "wiz-kubernetes-connector.serviceAccount",
        "wiz-kubernetes-connector.wiz-broker.podLabelz",
        "wiz-sensor.imagePullSecret.secretName",
        "wiz-sensor.enable",
        "wizSensor",
    ])("flags %s, which the chart does not have", (path) => {
        const problems = findUnknownValueKeys(set(path, "x"), index);
        expect(problems).toEqual([
            { path, reason: "is not a value of wiz-kubernetes-integration 0.3.65" },
        ]);
    });

    it("flags a mapping set on a missing key once, at the missing key", () => {
        const problems = findUnknownValueKeys(
            set("wiz-kubernetes-connector.serviceAccount", { create: false, name: "sa" }),
            index,
        );
        expect(problems.map((p) => p.path)).toEqual(["wiz-kubernetes-connector.serviceAccount"]);
    });

    it.each([
        ["global.commonLabels.anything", "x"],
        ["global.commonLabels", { a: "b", c: "d" }],
        ["wiz-admission-controller.podLabels.x", "y"],
        ["global.customVolumes", [{ name: "v", emptyDir: {} }]],
        ["global.customVolumes", []],
        ["wiz-sensor.imagePullSecret.name", "pull"],
        ["wiz-kubernetes-connector.wiz-broker.enabled", false],
        ["wiz-kubernetes-connector.enabled", true],
        ["global.wizApiToken.secret.create", false],
    ])("accepts %s", (path, value) => {
        expect(findUnknownValueKeys(set(path, value), index)).toEqual([]);
    });

    it("accepts several real keys at once", () => {
        const values = {
            global: {
                clusterDisplayName: "aks",
                wizApiToken: { secret: { create: false, name: "wiz-api-token" } },
            },
            "wiz-sensor": { enabled: true, imagePullSecret: { create: false, name: "p" } },
        };
        expect(findUnknownValueKeys(values, index)).toEqual([]);
    });

    it("flags a mapping set to a scalar", () => {
        expect(findUnknownValueKeys({ global: { wizApiToken: "token" } }, index)).toEqual([
            {
                path: "global.wizApiToken",
                reason: "is a mapping in the chart, set here to a non-mapping",
            },
        ]);
    });

    it("flags a mapping set to a list", () => {
        const problems = findUnknownValueKeys({ "wiz-sensor": [] }, index);
        expect(problems.map((p) => p.path)).toEqual(["wiz-sensor"]);
        expect(problems[0]?.reason).toContain("mapping");
    });

    it("flags a list set to a mapping", () => {
        expect(findUnknownValueKeys(set("global.customVolumes", { name: "v" }), index)).toEqual([
            {
                path: "global.customVolumes",
                reason: "is a list in the chart, set here to a non-list",
            },
        ]);
    });

    it("flags a list set to a scalar", () => {
        const problems = findUnknownValueKeys(set("global.tolerations", "none"), index);
        expect(problems.map((p) => p.path)).toEqual(["global.tolerations"]);
    });

    it("flags a scalar set to a structure", () => {
        for (const value of [{ a: 1 }, [1]]) {
            expect(findUnknownValueKeys(set("global.clusterDisplayName", value), index)).toEqual([
                {
                    path: "global.clusterDisplayName",
                    reason: "is a single value in the chart, set here to a structure",
                },
            ]);
        }
    });

    it("reports every problem, not the first", () => {
        const problems = findUnknownValueKeys(
            {
                global: { wizApiToken: { clientIdKey: "id" }, customVolumes: {} },
                "wiz-kubernetes-connector": { podLabels: {}, volumes: [] },
            },
            index,
        );
        expect(problems.map((p) => p.path).sort()).toEqual(
            [
                "global.customVolumes",
                "global.wizApiToken.clientIdKey",
                "wiz-kubernetes-connector.podLabels",
                "wiz-kubernetes-connector.volumes",
            ].sort(),
        );
    });
});

describe("setKeyPaths", () => {
    it("lists every leaf as a dotted path", () => {
        expect(
            setKeyPaths({
                global: { a: 1, b: { c: "x" }, d: [1, 2], e: {} },
                top: true,
            }).sort(),
        ).toEqual(["global.a", "global.b.c", "global.d", "global.e", "top"].sort());
    });
});
