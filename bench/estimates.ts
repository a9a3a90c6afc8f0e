/**
 * The tables the critical-path analysis reads. Both are written down here, not measured:
 *
 * - `provisioningTimes`: typical time from "create requested" to "Pulumi considers it created"
 *   per resource type, as ESTIMATES (low, typical, high seconds) with the reason for each.
 * - `orderingConstraints`: the documented reasons an edge may exist without data flowing along
 *   it (an explicit `dependsOn`). An explicit edge that matches none is reported as unjustified.
 */

export interface TimeEstimate {
    low: number;
    typical: number;
    high: number;
    reason: string;
}

/** Seconds, per Pulumi resource type. Estimates, not measurements. */
export const provisioningTimes: Record<string, TimeEstimate> = {
    "azure-native:resources:ResourceGroup": {
        low: 1,
        typical: 2,
        high: 5,
        reason: "synchronous ARM PUT; no long-running operation",
    },
    "azure-native:keyvault:Vault": {
        low: 20,
        typical: 30,
        high: 40,
        reason: "long-running ARM create: the vault and its DNS name are provisioned",
    },
    "azure-native:keyvault:Secret": {
        low: 1,
        typical: 2,
        high: 5,
        reason: "ARM PUT that the control plane forwards to the vault; returns when stored",
    },
    "azure-native:keyvault:AccessPolicy": {
        low: 3,
        typical: 5,
        high: 10,
        reason: "an update of the vault's access policy list; effective at once",
    },
    "azure-native:managedidentity:UserAssignedIdentity": {
        low: 3,
        typical: 5,
        high: 10,
        reason: "ARM create plus the Entra service principal behind it",
    },
    "azure-native:managedidentity:FederatedIdentityCredential": {
        low: 3,
        typical: 5,
        high: 8,
        reason: "synchronous ARM PUT; writes on one identity must not overlap",
    },
    "azure-native:authorization:RoleAssignment": {
        low: 3,
        typical: 5,
        high: 8,
        reason: "the write returns in seconds; RBAC propagation is absorbed by the holder's readiness wait",
    },
    "random:index/randomString:RandomString": {
        low: 0,
        typical: 0,
        high: 0,
        reason: "computed by the provider locally, no API call",
    },
    "pulumi:providers:kubernetes": {
        low: 0,
        typical: 0,
        high: 0,
        reason: "provider configuration only; the kubeconfig is read during the program run",
    },
    "kubernetes:core/v1:Namespace": {
        low: 0.5,
        typical: 1,
        high: 2,
        reason: "one API server write; a new namespace is Active at once",
    },
    "kubernetes:core/v1:ServiceAccount": {
        low: 0.5,
        typical: 1,
        high: 2,
        reason: "one API server write, no readiness to await",
    },
    "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass": {
        low: 0.5,
        typical: 1,
        high: 2,
        reason: "custom resource write; the CSI driver reads it only when a pod mounts it",
    },
    "kubernetes:apps/v1:Deployment": {
        low: 30,
        typical: 60,
        high: 90,
        reason: "rollout to Ready: schedule, image pull, CSI mount (token exchange, vault reads, Secret sync)",
    },
    "kubernetes:helm.sh/v3:Release": {
        low: 120,
        typical: 210,
        high: 300,
        reason: "chart pull, connector pre-install hook Job, sensor DaemonSet on every node, waitForJobs",
    },
};

/** Component resources and the stack are bookkeeping: the engine creates nothing for them. */
export const componentEstimate: TimeEstimate = {
    low: 0,
    typical: 0,
    high: 0,
    reason: "component resource: nothing is provisioned",
};

/** For a type missing from the table; the report marks such resources. */
export const unlistedEstimate: TimeEstimate = {
    low: 1,
    typical: 5,
    high: 10,
    reason: "not in the table: a generic control-plane write is assumed",
};

export function isComponentType(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("wiz-infra:");
}

export function estimateFor(type: string): TimeEstimate & { listed: boolean } {
    if (isComponentType(type)) return { ...componentEstimate, listed: true };
    const known = provisioningTimes[type];
    if (known) return { ...known, listed: true };
    if (type.startsWith("pulumi:providers:")) {
        return {
            low: 0,
            typical: 0,
            high: 0,
            reason: "provider configuration only",
            listed: true,
        };
    }
    return { ...unlistedEstimate, listed: false };
}

/** What a resource is in the design, for the constraint table. */
export type Role =
    | "holder"
    | "release"
    | "federated-credential"
    | "access-grant"
    | "vault-secret"
    | "other";

export interface RoleSubject {
    type: string;
    /** Type of the parent resource, when it has one. */
    parentType?: string;
}

export function roleOf(r: RoleSubject): Role {
    if (r.type === "kubernetes:apps/v1:Deployment") {
        return r.parentType === "wiz-infra:kubernetes:SecretSyncHolder" ? "holder" : "other";
    }
    switch (r.type) {
        case "kubernetes:helm.sh/v3:Release":
            return "release";
        case "azure-native:managedidentity:FederatedIdentityCredential":
            return "federated-credential";
        case "azure-native:keyvault:AccessPolicy":
        case "azure-native:authorization:RoleAssignment":
            return "access-grant";
        case "azure-native:keyvault:Secret":
            return "vault-secret";
        default:
            return "other";
    }
}

export interface OrderingConstraint {
    /** The resource that waits. */
    dependent: Role;
    /** The resource it waits for. */
    dependency: Role;
    reason: string;
    /** Extra condition on the pair, from the two resources' inputs. */
    applies?: (dependent: Record<string, unknown>, dependency: Record<string, unknown>) => boolean;
}

/** Documented reasons for ordering without data flow: `dependent ← dependency`. */
export const orderingConstraints: OrderingConstraint[] = [
    {
        dependent: "holder",
        dependency: "federated-credential",
        reason: "the first mount exchanges the ServiceAccount token through this credential",
    },
    {
        dependent: "holder",
        dependency: "access-grant",
        reason: "the first mount reads the secrets with the identity's access",
    },
    {
        dependent: "holder",
        dependency: "vault-secret",
        reason: "the mount fails if an object the SecretProviderClass names is missing",
    },
    {
        dependent: "release",
        dependency: "holder",
        reason: "the chart's pre-install hook Job reads the token Secret the holder's mount syncs",
    },
    {
        dependent: "federated-credential",
        dependency: "federated-credential",
        reason: "Azure rejects concurrent federated credential writes on one identity",
        applies: (a, b) =>
            a.resourceName === b.resourceName && a.resourceGroupName === b.resourceGroupName,
    },
];
