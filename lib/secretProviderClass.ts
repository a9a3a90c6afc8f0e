/**
 * Builds the SecretProviderClass manifest of the Azure provider for workload identity, and
 * refuses the mistakes the driver accepts silently: duplicate aliases (the later file wins),
 * aliases that escape the mount, sync entries naming no mounted object, and dockerconfigjson
 * Secrets without `.dockerconfigjson`.
 */
import { parse, stringify } from "yaml";
import type { DeliveredObject, SyncedSecret } from "./delivery";
import { isVaultSecretName } from "./names";

export const spcApiVersion = "secrets-store.csi.x-k8s.io/v1";
export const csiDriverName = "secrets-store.csi.k8s.io";

export interface SecretProviderClassInput {
    name: string;
    namespace: string;
    keyVaultName: string;
    tenantId: string;
    /** Client id of the user-assigned identity the pods' ServiceAccount is federated with. */
    clientId: string;
    objects: DeliveredObject[];
    secretObjects: SyncedSecret[];
    labels?: Record<string, string>;
}

export interface SecretProviderClassManifest {
    apiVersion: string;
    kind: "SecretProviderClass";
    metadata: { name: string; namespace: string; labels?: Record<string, string> };
    spec: {
        provider: "azure";
        parameters: Record<string, string>;
        secretObjects: SyncedSecret[];
    };
}

export class SecretProviderClassError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SecretProviderClassError";
    }
}

/** A clean relative file path: no empty, `.` or `..` segment, no leading `/`, no backslash. */
export function isCleanRelativePath(path: string): boolean {
    if (path.length === 0 || path.startsWith("/") || path.includes("\\")) return false;
    return path
        .split("/")
        .every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

export function buildSecretProviderClass(
    input: SecretProviderClassInput,
): SecretProviderClassManifest {
    const aliases = new Set<string>();
    for (const object of input.objects) {
        if (!isVaultSecretName(object.vaultSecretName)) {
            throw new SecretProviderClassError(
                `object "${object.vaultSecretName}" is not a Key Vault secret name (1-127 letters, digits, '-')`,
            );
        }
        if (!isCleanRelativePath(object.alias)) {
            throw new SecretProviderClassError(
                `alias "${object.alias}" of object ${object.vaultSecretName} is not a clean relative path`,
            );
        }
        if (aliases.has(object.alias)) {
            throw new SecretProviderClassError(
                `alias "${object.alias}" is used twice: the driver would mount only the later object`,
            );
        }
        aliases.add(object.alias);
    }
    const secretNames = new Set<string>();
    for (const secret of input.secretObjects) {
        if (secretNames.has(secret.secretName)) {
            throw new SecretProviderClassError(
                `secretObjects names Secret ${secret.secretName} twice`,
            );
        }
        secretNames.add(secret.secretName);
        for (const entry of secret.data) {
            if (!aliases.has(entry.objectName)) {
                throw new SecretProviderClassError(
                    `secretObjects ${secret.secretName} key ${entry.key} reads objectName "${entry.objectName}", which is not an alias in objects (${[...aliases].join(", ")})`,
                );
            }
        }
        if (
            secret.type === "kubernetes.io/dockerconfigjson" &&
            !secret.data.some((entry) => entry.key === ".dockerconfigjson")
        ) {
            throw new SecretProviderClassError(
                `secretObjects ${secret.secretName} has type kubernetes.io/dockerconfigjson but no key .dockerconfigjson; the API server would reject it`,
            );
        }
    }

    // The provider parses `objects` as YAML holding `array:`, each item itself a YAML string.
    const objects = stringify({
        array: input.objects.map((object) =>
            stringify({
                objectName: object.vaultSecretName,
                objectType: "secret",
                objectAlias: object.alias,
            }),
        ),
    });

    return {
        apiVersion: spcApiVersion,
        kind: "SecretProviderClass",
        metadata: {
            name: input.name,
            namespace: input.namespace,
            ...(input.labels ? { labels: input.labels } : {}),
        },
        spec: {
            provider: "azure",
            // Every parameter is a string: the CRD declares a map of strings.
            parameters: {
                usePodIdentity: "false",
                useVMManagedIdentity: "false",
                clientID: input.clientId,
                keyvaultName: input.keyVaultName,
                tenantID: input.tenantId,
                objects,
            },
            secretObjects: input.secretObjects.map((secret) => ({
                secretName: secret.secretName,
                type: secret.type,
                data: secret.data.map((entry) => ({
                    objectName: entry.objectName,
                    key: entry.key,
                })),
            })),
        },
    };
}

/** The items of the `objects` parameter, parsed back as the provider parses them. */
export function parseObjectsParameter(objects: string): Record<string, unknown>[] {
    const doc = parse(objects) as { array?: unknown };
    if (!doc || !Array.isArray(doc.array))
        throw new SecretProviderClassError("objects has no array: list");
    return doc.array.map((item) => {
        if (typeof item !== "string")
            throw new SecretProviderClassError("objects array items must be strings");
        return parse(item) as Record<string, unknown>;
    });
}
