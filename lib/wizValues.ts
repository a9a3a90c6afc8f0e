/**
 * The values of the wiz-kubernetes-integration release. Every key set here must exist in the
 * pinned chart (see chartValues.ts): the charts ship no schema and ignore unknown keys.
 */
import { type ChartKeyIndex, chartKeyIndex } from "./chartValues";

export interface WizValuesInput {
    chartVersion: string;
    namespace: string;
    clusterDisplayName: string;
    connector: boolean;
    sensor: boolean;
    admissionController: boolean;
    apiTokenSecretName: string;
    imagePullSecretName?: string;
    commonLabels: Record<string, string>;
}

/** Namespaces the chart's webhooks skip by default; the release's own is added to them. */
const defaultExcludedNamespaces = ["kube-system", "kube-node-lease", "wiz"];

/**
 * The admission-controller webhooks of a chart version that take a namespace selector, read
 * from its value keys so that a webhook added by a new chart version is covered too.
 */
export function admissionWebhooks(index: ChartKeyIndex): string[] {
    const pattern = /^wiz-admission-controller\.([^.]+)\.namespaceSelector\.matchExpressions$/;
    return Object.keys(index.keys)
        .map((key) => pattern.exec(key)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

export function buildWizValues(input: WizValuesInput): Record<string, unknown> {
    if (input.sensor && !input.imagePullSecretName) {
        throw new Error("the sensor needs an image pull Secret name");
    }
    const values: Record<string, unknown> = {
        global: {
            clusterDisplayName: input.clusterDisplayName,
            commonLabels: input.commonLabels,
            wizApiToken: {
                // The token Secret is synced from Key Vault by the CSI driver, never by Helm.
                secret: { create: false, name: input.apiTokenSecretName },
            },
        },
        "wiz-kubernetes-connector": { enabled: input.connector },
        "wiz-admission-controller": { enabled: input.admissionController },
        "wiz-sensor": { enabled: input.sensor },
    };

    if (input.admissionController) {
        // The webhooks must never gate the pods of their own release, whatever its namespace.
        const excluded = [...new Set([...defaultExcludedNamespaces, input.namespace])];
        const selector = {
            namespaceSelector: {
                matchExpressions: [
                    { key: "kubernetes.io/metadata.name", operator: "NotIn", values: excluded },
                ],
            },
        };
        const admission = values["wiz-admission-controller"] as Record<string, unknown>;
        for (const webhook of admissionWebhooks(chartKeyIndex(input.chartVersion))) {
            admission[webhook] = selector;
        }
    }
    if (input.sensor) {
        values["wiz-sensor"] = {
            enabled: true,
            imagePullSecret: { required: true, create: false, name: input.imagePullSecretName },
        };
    }
    return values;
}

/** Secret names the values tell the chart to read. */
export function secretNamesReferenced(
    values: Record<string, unknown>,
): { path: string; name: string }[] {
    const out: { path: string; name: string }[] = [];
    const get = (path: string[]): unknown =>
        path.reduce<unknown>(
            (node, key) =>
                node && typeof node === "object"
                    ? (node as Record<string, unknown>)[key]
                    : undefined,
            values,
        );
    const token = get(["global", "wizApiToken", "secret", "name"]);
    if (typeof token === "string")
        out.push({ path: "global.wizApiToken.secret.name", name: token });
    const sensorOn = get(["wiz-sensor", "enabled"]) === true;
    const pull = get(["wiz-sensor", "imagePullSecret", "name"]);
    if (sensorOn && typeof pull === "string")
        out.push({ path: "wiz-sensor.imagePullSecret.name", name: pull });
    return out;
}
