/**
 * Rebuilds the wiring model from what was actually registered, so the plan runs the program's
 * own checks against the registered inputs rather than against the program's intentions.
 */
import type { WiringModel } from "../lib/checks";
import type { SecretProviderClassManifest } from "../lib/secretProviderClass";
import { mountsOf } from "../stacks/design";
import type { CapturedResource } from "./capture";

const workloadKinds: Record<string, string> = {
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:apps/v1:DaemonSet": "DaemonSet",
    "kubernetes:apps/v1:StatefulSet": "StatefulSet",
    "kubernetes:batch/v1:Job": "Job",
};

export function wiringFromCapture(
    resources: CapturedResource[],
): WiringModel | { missing: string } {
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    const spc = ofType("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")[0];
    const release = ofType("kubernetes:helm.sh/v3:Release")[0];
    if (!spc) return { missing: "no SecretProviderClass was registered" };
    if (!release) return { missing: "no Helm release was registered" };

    const manifest = {
        apiVersion: spc.inputs.apiVersion,
        kind: spc.inputs.kind,
        metadata: spc.inputs.metadata,
        spec: spc.inputs.spec,
    } as SecretProviderClassManifest;
    const clientId = manifest.spec?.parameters?.clientID;
    const identities = ofType("azure-native:managedidentity:UserAssignedIdentity").filter(
        (i) => i.outputs.clientId === clientId,
    );
    const identityNames = new Set(identities.map((i) => String(i.outputs.name)));
    const federatedSubjects = ofType("azure-native:managedidentity:FederatedIdentityCredential")
        .filter((f) => identityNames.has(String(f.inputs.resourceName)))
        .map((f) => String(f.inputs.subject));

    const mounts = resources.flatMap((r) => {
        const kind = workloadKinds[r.type];
        if (!kind) return [];
        const meta = r.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return mountsOf(
            `${kind} ${meta?.namespace}/${meta?.name}`,
            r.inputs as Parameters<typeof mountsOf>[1],
        );
    });

    return {
        vaultSecretNames: ofType("azure-native:keyvault:Secret").map((s) =>
            String(s.inputs.secretName),
        ),
        secretProviderClass: manifest,
        releaseValues: (release.inputs.values ?? {}) as Record<string, unknown>,
        chartVersion: String(release.inputs.version),
        mounts,
        federatedSubjects,
    };
}
