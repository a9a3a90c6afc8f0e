/**
 * The stack's design: every name, builder input and link of the graph, computed from the
 * validated config and the cluster facts before anything is registered. The composition
 * registers exactly this; the wiring checks run on it first.
 */

import type { WiringModel } from "../lib/checks";
import { type Delivery, syncDelivery } from "../lib/delivery";
import { buildHolderDeployment } from "../lib/holder";
import { serviceAccountSubject, vaultSecretNames } from "../lib/names";
import type { ClusterFacts } from "../lib/preflight";
import { buildSecretProviderClass } from "../lib/secretProviderClass";
import { buildWizValues } from "../lib/wizValues";
import type { StackConfig } from "./config";

export const releaseName = "wiz";
export const secretProviderClassName = "wiz-secrets";
export const holderName = "wiz-secret-sync";

/** Stand-ins for values only Azure knows, used to check the wiring before registration. */
export const pendingValues = {
    keyVaultName: "kv-pending-name",
    clientId: "00000000-0000-0000-0000-000000000000",
} as const;

export interface StackDesign {
    labels: Record<string, string>;
    tags: Record<string, string>;
    identityName: string;
    delivery: Delivery;
    /** Vault secrets the graph creates: Key Vault name and the config key its value comes from. */
    vaultSecrets: {
        name: string;
        source: "wizClientId" | "wizClientToken" | "registryDockerConfig";
    }[];
    subjects: string[];
    values: Record<string, unknown>;
    wiring: WiringModel;
    protect: boolean;
}

export function designStack(
    config: StackConfig,
    facts: Pick<ClusterFacts, "tenantId">,
): StackDesign {
    const labels = {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "wiz-infra",
    };
    const tags = { "managed-by": "pulumi", "part-of": "wiz-infra", stack: config.stack };
    const delivery = syncDelivery({ sensor: config.wiz.sensor });
    const vaultSecrets: StackDesign["vaultSecrets"] = [
        { name: vaultSecretNames.wizClientId, source: "wizClientId" },
        { name: vaultSecretNames.wizClientToken, source: "wizClientToken" },
    ];
    if (config.wiz.sensor) {
        vaultSecrets.push({
            name: vaultSecretNames.registryDockerConfig,
            source: "registryDockerConfig",
        });
    }
    const { namespace, serviceAccountName } = config.kubernetes;
    const subjects = [serviceAccountSubject(namespace, serviceAccountName)];

    const values = buildWizValues({
        chartVersion: config.wiz.chartVersion,
        namespace,
        clusterDisplayName: config.cluster.displayName,
        connector: config.wiz.connector,
        sensor: config.wiz.sensor,
        admissionController: config.wiz.admissionController,
        apiTokenSecretName: delivery.apiTokenSecretName,
        imagePullSecretName: delivery.imagePullSecretName,
        // The charts already set the app.kubernetes.io/* labels; repeating one would give
        // Helm a duplicate key, so the release's own objects get a label of this project's.
        commonLabels: { "wiz-infra/managed-by": "pulumi" },
    });
    const spc = buildSecretProviderClass({
        name: secretProviderClassName,
        namespace,
        keyVaultName: config.keyVault.name ?? pendingValues.keyVaultName,
        tenantId: facts.tenantId,
        clientId: pendingValues.clientId,
        objects: delivery.objects,
        secretObjects: delivery.secretObjects,
        labels,
    });
    const holder = buildHolderDeployment({
        name: holderName,
        namespace,
        serviceAccountName,
        secretProviderClassName,
        labels,
    });

    return {
        labels,
        tags,
        // Stack names may hold dots; identity names take letters, digits, - and _ only.
        identityName: `id-wiz-${config.stack.replace(/[^A-Za-z0-9_-]/g, "-")}`.slice(0, 128),
        delivery,
        vaultSecrets,
        subjects,
        values,
        protect: config.environment === "production",
        wiring: {
            vaultSecretNames: vaultSecrets.map((s) => s.name),
            secretProviderClass: spc,
            releaseValues: values,
            chartVersion: config.wiz.chartVersion,
            mounts: mountsOf(`Deployment ${namespace}/${holderName}`, holder),
            federatedSubjects: subjects,
        },
    };
}

/** The SecretProviderClass mounts of a workload spec: its ServiceAccount and each CSI volume. */
export function mountsOf(
    workload: string,
    spec: {
        metadata?: { namespace?: string };
        spec?: {
            template?: {
                spec?: {
                    serviceAccountName?: string;
                    volumes?: {
                        csi?: { driver?: string; volumeAttributes?: Record<string, string> };
                    }[];
                };
            };
        };
    },
): WiringModel["mounts"] {
    const pod = spec.spec?.template?.spec;
    return (pod?.volumes ?? [])
        .filter((v) => v.csi?.driver === "secrets-store.csi.k8s.io")
        .map((v) => ({
            workload,
            namespace: spec.metadata?.namespace ?? "default",
            // A pod without serviceAccountName runs as the namespace's `default` account.
            serviceAccountName: pod?.serviceAccountName ?? "default",
            secretProviderClassName: v.csi?.volumeAttributes?.secretProviderClass ?? "",
        }));
}
