import { describe, expect, it } from "vitest";
import { buildHolderDeployment, holderImage, holderMountPath } from "../../lib/holder";

const deployment = buildHolderDeployment({
    name: "wiz-secret-sync",
    namespace: "security-tools",
    serviceAccountName: "wiz-sa",
    secretProviderClassName: "wiz-secrets",
    labels: { "app.kubernetes.io/part-of": "wiz-infra" },
});
const pod = deployment.spec.template.spec;
const firstContainer = pod.containers[0];
if (!firstContainer) throw new Error("the holder has no container");
const container = firstContainer;

/** CPU quantity in millicores, memory in bytes: enough of the Kubernetes units for this test. */
function millicores(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000;
}
function bytes(q: string): number {
    const units: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
    const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
    if (!match) throw new Error(`unexpected quantity ${q}`);
    return Number(match[1]) * (match[2] ? (units[match[2]] as number) : 1);
}

describe("buildHolderDeployment", () => {
    it("is named in the release namespace", () => {
        expect(deployment.metadata.name).toBe("wiz-secret-sync");
        expect(deployment.metadata.namespace).toBe("security-tools");
        const labels = deployment.metadata.labels as Record<string, string>;
        expect(labels["app.kubernetes.io/part-of"]).toBe("wiz-infra");
    });

    it("runs one replica, and a rollout never leaves the volume unmounted", () => {
        expect(deployment.spec.replicas).toBe(1);
        expect(pod.containers).toHaveLength(1);
        // the new pod comes up before the old one goes: zero mounting pods would let the
        // driver drop the synced Secrets
        expect(deployment.spec.strategy).toEqual({
            type: "RollingUpdate",
            rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        });
    });

    it("runs a pause image pinned by a tag that is not latest", () => {
        expect(container.image).toBe(holderImage);
        const image = container.image as string;
        expect(image).toMatch(/\/pause:/);
        const tag = image.slice(image.lastIndexOf(":") + 1);
        expect(tag).not.toBe("");
        expect(tag).not.toBe("latest");
        expect(tag).not.toContain("/");
    });

    it("runs as the federated ServiceAccount", () => {
        expect(pod.serviceAccountName).toBe("wiz-sa");
    });

    it("mounts the SecretProviderClass read-only through the CSI driver", () => {
        expect(pod.volumes).toHaveLength(1);
        const volume = pod.volumes[0];
        if (!volume) throw new Error("the holder has no volume");
        expect(volume.csi.driver).toBe("secrets-store.csi.k8s.io");
        expect(volume.csi.readOnly).toBe(true);
        expect(volume.csi.volumeAttributes).toEqual({ secretProviderClass: "wiz-secrets" });
        expect(container.volumeMounts).toEqual([
            { name: volume.name, mountPath: holderMountPath, readOnly: true },
        ]);
        expect(holderMountPath).toBe("/mnt/secrets-store");
    });

    it("labels the pod for the workload identity webhook, but not the selector", () => {
        const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
        const selector = deployment.spec.selector.matchLabels as Record<string, string>;
        expect(podLabels["azure.workload.identity/use"]).toBe("true");
        expect(Object.keys(selector)).not.toContain("azure.workload.identity/use");
        expect(Object.keys(deployment.metadata.labels)).not.toContain(
            "azure.workload.identity/use",
        );
    });

    it("selects its own pods", () => {
        const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
        const selector = deployment.spec.selector.matchLabels as Record<string, string>;
        expect(Object.keys(selector).length).toBeGreaterThan(0);
        for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
        expect(selector["app.kubernetes.io/name"]).toBe("wiz-secret-sync");
    });

    it("runs locked down", () => {
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(pod.securityContext.runAsUser).not.toBe(0);
        expect(container.securityContext.runAsNonRoot).toBe(true);
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext.capabilities.drop).toEqual(["ALL"]);
        expect(pod.automountServiceAccountToken).toBe(false);
    });

    it("requests and limits tiny resources", () => {
        const { requests, limits } = container.resources as {
            requests: { cpu: string; memory: string };
            limits: { cpu: string; memory: string };
        };
        for (const q of [requests.cpu, limits.cpu]) {
            expect(millicores(q)).toBeGreaterThan(0);
            expect(millicores(q)).toBeLessThanOrEqual(50);
        }
        for (const q of [requests.memory, limits.memory]) {
            expect(bytes(q)).toBeGreaterThan(0);
            expect(bytes(q)).toBeLessThanOrEqual(64 * 1024 ** 2);
        }
        expect(millicores(requests.cpu)).toBeLessThanOrEqual(millicores(limits.cpu));
        expect(bytes(requests.memory)).toBeLessThanOrEqual(bytes(limits.memory));
    });
});
