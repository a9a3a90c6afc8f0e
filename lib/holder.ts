/**
 * The secret-sync holder: a one-replica Deployment whose only job is to mount the
 * SecretProviderClass. The CSI driver creates and refreshes synced Secrets only while some pod
 * mounts the volume, and the chart's pre-install hook and pre-delete Jobs read the token Secret,
 * so this pod must be Ready before the release and must outlive it.
 */
import { csiDriverName } from "./secretProviderClass";

/** A public pause image, pinned by tag: it never runs anything but sleep. */
export const holderImage = "mcr.microsoft.com/oss/kubernetes/pause:3.10";
export const holderMountPath = "/mnt/secrets-store";

export interface HolderInput {
    name: string;
    namespace: string;
    serviceAccountName: string;
    secretProviderClassName: string;
    labels: Record<string, string>;
}

export function buildHolderDeployment(input: HolderInput) {
    const selector = {
        "app.kubernetes.io/name": input.name,
        "app.kubernetes.io/instance": input.name,
    };
    return {
        metadata: {
            name: input.name,
            namespace: input.namespace,
            labels: { ...input.labels, ...selector },
        },
        spec: {
            replicas: 1,
            // The new pod mounts before the old one goes: with no mounting pod at all, the driver
            // would garbage-collect the synced Secrets the chart's pods read.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            selector: { matchLabels: selector },
            template: {
                metadata: {
                    // The webhook label belongs on the pod only, never in the selector.
                    labels: { ...input.labels, ...selector, "azure.workload.identity/use": "true" },
                },
                spec: {
                    serviceAccountName: input.serviceAccountName,
                    automountServiceAccountToken: false,
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: 65535,
                        runAsGroup: 65535,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    containers: [
                        {
                            name: "holder",
                            image: holderImage,
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            resources: {
                                requests: { cpu: "1m", memory: "8Mi" },
                                limits: { cpu: "10m", memory: "16Mi" },
                            },
                            volumeMounts: [
                                {
                                    name: "secrets-store",
                                    mountPath: holderMountPath,
                                    readOnly: true,
                                },
                            ],
                        },
                    ],
                    volumes: [
                        {
                            name: "secrets-store",
                            csi: {
                                driver: csiDriverName,
                                readOnly: true,
                                volumeAttributes: {
                                    secretProviderClass: input.secretProviderClassName,
                                },
                            },
                        },
                    ],
                },
            },
        },
    };
}
