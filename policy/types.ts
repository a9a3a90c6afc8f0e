/**
 * Resource type tokens the policies look at. Plain strings rather than SDK classes, so that the
 * pack never loads the provider SDKs just to compare types.
 */
export const vaultType = "azure-native:keyvault:Vault";
export const accessPolicyType = "azure-native:keyvault:AccessPolicy";
export const roleAssignmentType = "azure-native:authorization:RoleAssignment";
export const federatedCredentialType = "azure-native:managedidentity:FederatedIdentityCredential";
export const helmReleaseType = "kubernetes:helm.sh/v3:Release";
export const helmChartV4Type = "kubernetes:helm.sh/v4:Chart";

/** Where each workload kind keeps its pod spec. */
export const podSpecPaths: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Where each workload kind keeps its label selector; bare Pods have none. */
export const selectorPaths: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:apps/v1:Deployment": ["spec", "selector"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "selector"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "selector"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "selector"],
    "kubernetes:batch/v1:Job": ["spec", "selector"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "selector"],
};

export const workloadTypes = Object.keys(podSpecPaths);

/** `kubernetes:apps/v1:Deployment` → `Deployment`. */
export function kindOf(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1);
}
