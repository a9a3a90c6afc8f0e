/**
 * Naming rules of Azure and Kubernetes, and the names this project derives from a stack.
 * Every Azure or Kubernetes name the program creates comes from here.
 */

/** Kubernetes DNS-1123 label: namespaces, ServiceAccounts, most object names. */
export function isDns1123Label(value: string): boolean {
    return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/**
 * Why a Key Vault name is invalid, or undefined when it is valid. Vault names are global: 3-24
 * characters, letters, digits and hyphens, starting with a letter, ending with a letter or
 * digit, with no consecutive hyphens.
 */
export function vaultNameProblem(name: string): string | undefined {
    if (name.length < 3 || name.length > 24) return `has ${name.length} characters, not 3-24`;
    if (!/^[A-Za-z0-9-]+$/.test(name)) return "has characters other than letters, digits and '-'";
    if (!/^[A-Za-z]/.test(name)) return "does not start with a letter";
    if (!/[A-Za-z0-9]$/.test(name)) return "does not end with a letter or digit";
    if (name.includes("--")) return "contains '--'";
    return undefined;
}

/** Length of the random suffix of a derived vault name. */
export const vaultSuffixLength = 6;

/**
 * The vault name derived from a stack: `kv-wiz-<stack>-<suffix>`, with the stack part cut and
 * cleaned so that the result is always a valid vault name.
 */
export function deriveVaultName(stack: string, suffix: string): string {
    const room = 24 - "kv-wiz-".length - 1 - suffix.length;
    const stackPart = stack
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-")
        .slice(0, room)
        .replace(/^-+|-+$/g, "");
    const name = stackPart ? `kv-wiz-${stackPart}-${suffix}` : `kv-wiz-${suffix}`;
    const problem = vaultNameProblem(name);
    if (problem) throw new Error(`derived vault name ${name} ${problem}`);
    return name;
}

/** Key Vault secret names: 1-127 letters, digits and hyphens. */
export function isVaultSecretName(name: string): boolean {
    return /^[A-Za-z0-9-]{1,127}$/.test(name);
}

/** The names of the vault secrets the graph creates. */
export const vaultSecretNames = {
    wizClientId: "wiz-client-id",
    wizClientToken: "wiz-client-token",
    registryDockerConfig: "wiz-registry-dockerconfigjson",
} as const;

/** The Kubernetes Secrets the CSI driver syncs from the vault. */
export const syncedSecretNames = {
    apiToken: "wiz-api-token",
    imagePull: "wiz-sensor-pull-secret",
} as const;

/** Federated credential subject of a Kubernetes ServiceAccount. */
export function serviceAccountSubject(namespace: string, serviceAccountName: string): string {
    if (!isDns1123Label(namespace) || !isDns1123Label(serviceAccountName)) {
        throw new Error(
            `system:serviceaccount:${namespace}:${serviceAccountName} is not a valid subject: namespace and ServiceAccount must be DNS-1123 labels`,
        );
    }
    return `system:serviceaccount:${namespace}:${serviceAccountName}`;
}
