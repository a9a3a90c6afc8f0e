/**
 * Secret delivery in `sync` mode, as data: which vault secrets exist, under which file alias the
 * CSI driver mounts each one, and which Kubernetes Secrets it syncs from those files. The
 * SecretProviderClass, the vault and the chart values are all built from this one description.
 */
import { syncedSecretNames, vaultSecretNames } from "./names";

/** A vault secret the graph creates, and the alias (file name) the CSI driver mounts it as. */
export interface DeliveredObject {
    vaultSecretName: string;
    alias: string;
}

/** A Kubernetes Secret the CSI driver syncs from mounted objects. */
export interface SyncedSecret {
    secretName: string;
    type: "Opaque" | "kubernetes.io/dockerconfigjson";
    data: { objectName: string; key: string }[];
}

export interface Delivery {
    objects: DeliveredObject[];
    secretObjects: SyncedSecret[];
    apiTokenSecretName: string;
    imagePullSecretName?: string;
}

/**
 * The chart reads the API token Secret by fixed keys `clientId` and `clientToken`, so the
 * aliases carry those names; a dockerconfigjson Secret must hold key `.dockerconfigjson`.
 */
export function syncDelivery(options: { sensor: boolean }): Delivery {
    const objects: DeliveredObject[] = [
        { vaultSecretName: vaultSecretNames.wizClientId, alias: "clientId" },
        { vaultSecretName: vaultSecretNames.wizClientToken, alias: "clientToken" },
    ];
    const secretObjects: SyncedSecret[] = [
        {
            secretName: syncedSecretNames.apiToken,
            type: "Opaque",
            data: [
                { objectName: "clientId", key: "clientId" },
                { objectName: "clientToken", key: "clientToken" },
            ],
        },
    ];
    if (options.sensor) {
        objects.push({
            vaultSecretName: vaultSecretNames.registryDockerConfig,
            alias: "dockerconfigjson",
        });
        secretObjects.push({
            secretName: syncedSecretNames.imagePull,
            type: "kubernetes.io/dockerconfigjson",
            data: [{ objectName: "dockerconfigjson", key: ".dockerconfigjson" }],
        });
    }
    return {
        objects,
        secretObjects,
        apiTokenSecretName: syncedSecretNames.apiToken,
        imagePullSecretName: options.sensor ? syncedSecretNames.imagePull : undefined,
    };
}

/**
 * The docker config JSON a `kubernetes.io/dockerconfigjson` Secret holds:
 * `{"auths":{"<server>":{"auth":"<base64 user:pass>"}}}`.
 */
export function dockerConfigJson(server: string, username: string, password: string): string {
    if (!server || /[\s/]/.test(server)) {
        throw new Error(
            `registry server "${server}" must be a bare host name such as wizio.azurecr.io`,
        );
    }
    if (!username || username.includes(":")) {
        throw new Error("registry username must be non-empty and must not contain ':'");
    }
    if (!password) throw new Error("registry password must be non-empty");
    const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
    return JSON.stringify({ auths: { [server]: { auth } } });
}
