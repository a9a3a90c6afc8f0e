import { describe, expect, it } from "vitest";
import index from "../../fixtures/wiz-kubernetes-integration-0.3.65.keys.json";
import { type ChartKeyIndex, findUnknownValueKeys } from "../../lib/chartValues";
import {
    admissionWebhooks,
    buildWizValues,
    secretNamesReferenced,
    type WizValuesInput,
} from "../../lib/wizValues";

const chart = index as ChartKeyIndex;

function values(overrides: Partial<WizValuesInput> = {}) {
    return buildWizValues({
        chartVersion: "0.3.65",
        namespace: "wiz",
        clusterDisplayName: "aks-dev-weu-01",
        connector: true,
        sensor: true,
        admissionController: true,
        apiTokenSecretName: "wiz-api-token",
        imagePullSecretName: "wiz-sensor-pull-secret",
        commonLabels: { "app.kubernetes.io/managed-by": "pulumi" },
        ...overrides,
    });
}

type Tree = Record<string, unknown>;
const at = (node: unknown, ...path: string[]): unknown =>
    path.reduce<unknown>((n, k) => (n && typeof n === "object" ? (n as Tree)[k] : undefined), node);

interface Expression {
    key: string;
    operator: string;
    values: string[];
}

/** The webhooks of the admission controller that take a namespace selector, from the fixture. */
const webhooksWithSelector = Object.keys(chart.keys)
    .map((k) => /^wiz-admission-controller\.([^.]+)\.namespaceSelector\.matchExpressions$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => m[1] as string);

function excludedNamespaces(v: Tree, webhook: string): string[] {
    const expressions = at(
        v,
        "wiz-admission-controller",
        webhook,
        "namespaceSelector",
        "matchExpressions",
    ) as Expression[] | undefined;
    return (expressions ?? [])
        .filter((e) => e.key === "kubernetes.io/metadata.name" && e.operator === "NotIn")
        .flatMap((e) => e.values);
}

describe("buildWizValues", () => {
    it("switches the three subcharts independently", () => {
        for (const connector of [true, false]) {
            for (const sensor of [true, false]) {
                for (const admissionController of [true, false]) {
                    const v = values({ connector, sensor, admissionController });
                    expect(at(v, "wiz-kubernetes-connector", "enabled")).toBe(connector);
                    expect(at(v, "wiz-sensor", "enabled")).toBe(sensor);
                    expect(at(v, "wiz-admission-controller", "enabled")).toBe(admissionController);
                }
            }
        }
    });

    it("reads the API token from the synced Secret and never lets Helm create it", () => {
        expect(at(values(), "global", "wizApiToken")).toEqual({
            secret: { create: false, name: "wiz-api-token" },
        });
        // no token values: they would land in the release
        expect(at(values(), "global", "wizApiToken", "clientId")).toBeUndefined();
        expect(at(values(), "global", "wizApiToken", "clientToken")).toBeUndefined();
    });

    it("points the sensor at the synced pull Secret and never lets Helm create it", () => {
        const pull = at(values(), "wiz-sensor", "imagePullSecret") as Tree;
        expect(pull.create).toBe(false);
        expect(pull.name).toBe("wiz-sensor-pull-secret");
        expect(pull.username).toBeUndefined();
        expect(pull.password).toBeUndefined();
    });

    it("sets the cluster display name and the common labels", () => {
        const v = values({ clusterDisplayName: "Payments AKS" });
        expect(at(v, "global", "clusterDisplayName")).toBe("Payments AKS");
        expect(at(v, "global", "commonLabels")).toEqual({
            "app.kubernetes.io/managed-by": "pulumi",
        });
    });

    it("finds the four known webhooks in the fixture", () => {
        for (const webhook of [
            "opaWebhook",
            "imageIntegrityWebhook",
            "kubernetesAuditLogsWebhook",
            "debugWebhook",
        ]) {
            expect(webhooksWithSelector).toContain(webhook);
        }
    });

    it.each(["opaWebhook", "imageIntegrityWebhook", "kubernetesAuditLogsWebhook", "debugWebhook"])(
        "keeps %s off a custom release namespace and kube-system",
        (webhook) => {
            const excluded = excludedNamespaces(values({ namespace: "security-tools" }), webhook);
            expect(excluded).toContain("security-tools");
            expect(excluded).toContain("kube-system");
        },
    );

    it("keeps every webhook of the chart that takes a namespace selector off the release", () => {
        const v = values({ namespace: "security-tools" });
        for (const webhook of webhooksWithSelector) {
            const excluded = excludedNamespaces(v, webhook);
            expect(excluded, webhook).toContain("security-tools");
            expect(excluded, webhook).toContain("kube-system");
        }
    });

    it("covers every webhook of the chart version that takes a namespace selector", () => {
        expect(admissionWebhooks(chart)).toEqual([
            "debugWebhook",
            "imageIntegrityWebhook",
            "kubernetesAuditLogsWebhook",
            "opaWebhook",
            "sensorInject",
        ]);
    });

    it("sets a selector on each of those webhooks and nothing else", () => {
        const admission = at(values(), "wiz-admission-controller") as Tree;
        expect(Object.keys(admission).sort()).toEqual(
            [
                "debugWebhook",
                "enabled",
                "imageIntegrityWebhook",
                "kubernetesAuditLogsWebhook",
                "opaWebhook",
                "sensorInject",
            ].sort(),
        );
    });

    it("refuses a chart version it has no index for", () => {
        expect(() => values({ chartVersion: "0.3.64" })).toThrow(/0\.3\.64/);
    });

    it("lists the release namespace once when it is the default wiz", () => {
        const excluded = excludedNamespaces(values({ namespace: "wiz" }), "opaWebhook");
        expect(excluded.filter((n) => n === "wiz")).toHaveLength(1);
        expect(excluded).toContain("kube-system");
    });

    it("sets no webhook keys without the admission controller", () => {
        expect(at(values({ admissionController: false }), "wiz-admission-controller")).toEqual({
            enabled: false,
        });
    });

    it("sets no sensor keys without the sensor", () => {
        const v = values({ sensor: false, imagePullSecretName: undefined });
        expect(at(v, "wiz-sensor")).toEqual({ enabled: false });
    });

    it("refuses the sensor without a pull Secret", () => {
        expect(() => values({ sensor: true, imagePullSecretName: undefined })).toThrow(
            /image pull Secret/,
        );
    });

    it("sets only keys the chart has, for all eight combinations", () => {
        for (const connector of [true, false]) {
            for (const sensor of [true, false]) {
                for (const admissionController of [true, false]) {
                    const v = values({
                        connector,
                        sensor,
                        admissionController,
                        namespace: "security-tools",
                        imagePullSecretName: sensor ? "wiz-sensor-pull-secret" : undefined,
                    });
                    expect(findUnknownValueKeys(v, chart), JSON.stringify(v)).toEqual([]);
                }
            }
        }
    });
});

describe("secretNamesReferenced", () => {
    it("names the token Secret and the pull Secret with their value paths", () => {
        expect(secretNamesReferenced(values())).toEqual([
            { path: "global.wizApiToken.secret.name", name: "wiz-api-token" },
            { path: "wiz-sensor.imagePullSecret.name", name: "wiz-sensor-pull-secret" },
        ]);
    });

    it("leaves the pull Secret out without the sensor", () => {
        expect(
            secretNamesReferenced(values({ sensor: false, imagePullSecretName: undefined })),
        ).toEqual([{ path: "global.wizApiToken.secret.name", name: "wiz-api-token" }]);
    });

    it("ignores a pull Secret name when the sensor is disabled", () => {
        const v = {
            global: { wizApiToken: { secret: { name: "tok" } } },
            "wiz-sensor": { enabled: false, imagePullSecret: { name: "pull" } },
        };
        expect(secretNamesReferenced(v)).toEqual([
            { path: "global.wizApiToken.secret.name", name: "tok" },
        ]);
    });

    it("returns nothing for values that name no Secret", () => {
        expect(secretNamesReferenced({})).toEqual([]);
        expect(secretNamesReferenced({ global: "x" })).toEqual([]);
    });
});
