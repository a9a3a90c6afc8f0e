/**
 * Simulated providers for the offline plan and the unit tests: plausible, deterministic outputs
 * for every resource and invoke the program uses. Ids are shaped like Azure resource ids built
 * from the inputs, client and principal ids are GUIDs derived from those ids, and the cluster is
 * the one the config names. The same inputs always give the same outputs.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { v5 as uuidv5 } from "uuid";

/** Namespace for the simulated GUIDs (a fixed random UUID). */
const simulationNamespace = "0b9c6f0e-7d1a-4c57-a7a4-3f2f8e61d5c4";

export interface SimulatedCluster {
    oidcIssuerEnabled: boolean;
    workloadIdentityEnabled: boolean;
    secretsProviderEnabled: boolean;
    secretRotationEnabled: boolean;
    /** Override the issuer URL; by default one shaped like AKS's, for the named cluster. */
    issuerUrl?: string;
}

export interface SimulationOptions {
    project: string;
    stack: string;
    location: string;
    cluster?: Partial<SimulatedCluster>;
}

export const healthyCluster: SimulatedCluster = {
    oidcIssuerEnabled: true,
    workloadIdentityEnabled: true,
    secretsProviderEnabled: true,
    secretRotationEnabled: true,
};

export function simulatedGuid(seed: string): string {
    return uuidv5(seed, simulationNamespace);
}

/** The deployer's subscription and tenant, stable for a project. */
export function simulatedClientConfig(project: string) {
    return {
        subscriptionId: simulatedGuid(`${project}/subscription`),
        tenantId: simulatedGuid(`${project}/tenant`),
        clientId: simulatedGuid(`${project}/deployer-client`),
        objectId: simulatedGuid(`${project}/deployer-object`),
    };
}

/** JSON with object keys sorted at every depth: the same inputs always give the same text. */
function canonicalJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const entries = Object.keys(value)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Inputs)[k])}`);
        return `{${entries.join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

function stableString(seed: string, length: number, alphabet: string): string {
    const digest = createHash("sha256").update(seed).digest();
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[digest[i] % alphabet.length];
    return out;
}

// biome-ignore lint/suspicious/noExplicitAny: mock inputs are untyped wire data, read field by field.
type Inputs = Record<string, any>;

export function createMocks(options: SimulationOptions): pulumi.runtime.Mocks {
    const client = simulatedClientConfig(options.project);
    const cluster = { ...healthyCluster, ...options.cluster };
    const subscription = `/subscriptions/${client.subscriptionId}`;
    const group = (name: string) => `${subscription}/resourceGroups/${name}`;

    const newResource = (args: pulumi.runtime.MockResourceArgs): { id: string; state: Inputs } => {
        const inputs: Inputs = args.inputs;
        switch (args.type) {
            case "azure-native:resources:ResourceGroup": {
                const name = inputs.resourceGroupName ?? args.name;
                return { id: group(name), state: { ...inputs, name } };
            }
            case "azure-native:keyvault:Vault": {
                const name = inputs.vaultName ?? args.name;
                const id = `${group(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${name}`;
                return {
                    id,
                    state: {
                        ...inputs,
                        name,
                        properties: {
                            ...inputs.properties,
                            vaultUri: `https://${name}.vault.azure.net/`,
                        },
                    },
                };
            }
            case "azure-native:keyvault:Secret": {
                const name = inputs.secretName ?? args.name;
                const vault = `${group(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}`;
                return {
                    id: `${vault}/secrets/${name}`,
                    state: {
                        ...inputs,
                        name,
                        properties: {
                            ...inputs.properties,
                            secretUri: `https://${inputs.vaultName}.vault.azure.net/secrets/${name}`,
                        },
                    },
                };
            }
            case "azure-native:keyvault:AccessPolicy": {
                const vault = `${group(inputs.resourceGroupName)}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}`;
                return { id: `${vault}/accessPolicies/${inputs.policy?.objectId}`, state: inputs };
            }
            case "azure-native:managedidentity:UserAssignedIdentity": {
                const name = inputs.resourceName ?? args.name;
                const id = `${group(inputs.resourceGroupName)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
                return {
                    id,
                    state: {
                        ...inputs,
                        name,
                        clientId: simulatedGuid(`${id}/client`),
                        principalId: simulatedGuid(`${id}/principal`),
                        tenantId: client.tenantId,
                    },
                };
            }
            case "azure-native:managedidentity:FederatedIdentityCredential": {
                const name = inputs.federatedIdentityCredentialResourceName ?? args.name;
                const identity = `${group(inputs.resourceGroupName)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${inputs.resourceName}`;
                return {
                    id: `${identity}/federatedIdentityCredentials/${name}`,
                    state: { ...inputs, name },
                };
            }
            case "azure-native:authorization:RoleAssignment": {
                const name = inputs.roleAssignmentName ?? simulatedGuid(args.name);
                return {
                    id: `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
                    state: { ...inputs, name },
                };
            }
            case "random:index/randomString:RandomString": {
                const alphabet =
                    (inputs.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz") +
                    (inputs.numeric === false ? "" : "0123456789") +
                    (inputs.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
                // The provider replaces a RandomString whose inputs (length, character sets,
                // keepers) change, with a new value: the simulated value follows the inputs too.
                const digest = createHash("sha256").update(canonicalJson(inputs)).digest("hex");
                const result = stableString(
                    `${options.project}/${options.stack}/${args.name}/${digest}`,
                    inputs.length,
                    alphabet,
                );
                return { id: result, state: { ...inputs, result } };
            }
            case "kubernetes:helm.sh/v3:Release":
                return {
                    id: `${inputs.namespace}/${inputs.name}`,
                    state: {
                        ...inputs,
                        status: { status: "deployed", version: inputs.version, revision: 1 },
                    },
                };
            default: {
                if (args.type.startsWith("kubernetes:")) {
                    const meta = inputs.metadata ?? {};
                    const id = meta.namespace
                        ? `${meta.namespace}/${meta.name}`
                        : String(meta.name ?? args.name);
                    return { id, state: inputs };
                }
                return { id: simulatedGuid(`${args.type}/${args.name}`), state: inputs };
            }
        }
    };

    const call = (args: pulumi.runtime.MockCallArgs): Inputs => {
        const inputs: Inputs = args.inputs;
        switch (args.token) {
            case "azure-native:authorization:getClientConfig":
                return client;
            case "azure-native:containerservice:getManagedCluster": {
                const id = `${group(inputs.resourceGroupName)}/providers/Microsoft.ContainerService/managedClusters/${inputs.resourceName}`;
                const issuerUrl =
                    cluster.issuerUrl ??
                    `https://${options.location}.oic.prod-aks.azure.com/${client.tenantId}/${simulatedGuid(id)}/`;
                return {
                    id,
                    name: inputs.resourceName,
                    location: options.location,
                    oidcIssuerProfile: {
                        enabled: cluster.oidcIssuerEnabled,
                        issuerURL: cluster.oidcIssuerEnabled ? issuerUrl : "",
                    },
                    securityProfile: {
                        workloadIdentity: { enabled: cluster.workloadIdentityEnabled },
                    },
                    addonProfiles: {
                        azureKeyvaultSecretsProvider: {
                            enabled: cluster.secretsProviderEnabled,
                            config: { enableSecretRotation: String(cluster.secretRotationEnabled) },
                        },
                    },
                };
            }
            case "azure-native:containerservice:listManagedClusterUserCredentials": {
                const server = `https://${inputs.resourceName}-dns.hcp.${options.location}.azmk8s.io:443`;
                const kubeconfig = [
                    "apiVersion: v1",
                    "kind: Config",
                    `clusters: [{name: ${inputs.resourceName}, cluster: {server: "${server}"}}]`,
                    `contexts: [{name: ${inputs.resourceName}, context: {cluster: ${inputs.resourceName}, user: simulated}}]`,
                    `current-context: ${inputs.resourceName}`,
                    "users: [{name: simulated, user: {token: simulated}}]",
                ].join("\n");
                return {
                    kubeconfigs: [
                        { name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") },
                    ],
                };
            }
            default:
                throw new Error(`the offline plan does not simulate ${args.token}`);
        }
    };

    return { newResource, call };
}
