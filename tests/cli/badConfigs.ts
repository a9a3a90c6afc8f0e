/**
 * Malformed stack files: typed-config mistakes and raw YAML shapes. Each is a valid base stack
 * with one mistake, or a whole file; each names the key its error must name.
 */

/**
 * Secret values as they sit in a stack file: ciphertext strings. The plan never decrypts them,
 * so neither the strings nor their tails may ever appear in what it prints or writes.
 */
export const cipherCanaries = {
    "wiz-infra:wizClientId": "v1:Q0FOQVJZ:v1:canary-cipher-client-id-41d7e2",
    "wiz-infra:wizClientToken": "v1:Q0FOQVJZ:v1:canary-cipher-client-token-9b03fa",
    "wiz-infra:registryPassword": "v1:Q0FOQVJZ:v1:canary-cipher-registry-password-e6c815",
} as const;

/** Every string of the canaries that must not be echoed. */
export function canaryStrings(values: readonly string[]): string[] {
    return values.flatMap((v) => [v, v.split(":").at(-1) as string]);
}

/** A plain-text value given to a secret key. */
export const plainSecretCanary = "some-plain-canary-3f61c0";

/** Key → raw YAML value text, in file order. */
type Entries = [key: string, yaml: string][];

export const baseEntries: Entries = [
    ["azure-native:location", "westeurope"],
    ["wiz-infra:resourceGroupName", "rg-wiz-table-weu"],
    ["wiz-infra:clusterName", "aks-table-weu-01"],
    ["wiz-infra:clusterResourceGroupName", "rg-aks-table-weu"],
    ["wiz-infra:registryUsername", "wiz-sensor-pull-table"],
    ...Object.entries(cipherCanaries).map(([key, value]): [string, string] => [
        key,
        `{secure: "${value}"}`,
    ]),
];

export function renderEntries(entries: Entries): string {
    return `config:\n${entries.map(([k, v]) => `    ${k}:${v === "" ? "" : ` ${v}`}`).join("\n")}\n`;
}

export interface BadConfig {
    /** Stack name; the file is Pulumi.<id>.yaml. */
    id: string;
    /** The key (or file name) the error line must name. */
    key: string;
    /** Keys to set (raw YAML value text; "" for an empty value), replacing the base's. */
    set?: Record<string, string>;
    /** Keys of the base to leave out. */
    drop?: string[];
    /** The whole file instead of the base. */
    raw?: string;
    /** More strings that must not be echoed. */
    secrets?: string[];
    /** Something else the error must say. */
    says?: RegExp;
}

export function stackFileText(c: BadConfig): string {
    if (c.raw !== undefined) return c.raw;
    const set = { ...c.set };
    const entries: Entries = [];
    for (const [key, value] of baseEntries) {
        if (c.drop?.includes(key)) continue;
        if (key in set) {
            entries.push([key, set[key]]);
            delete set[key];
        } else entries.push([key, value]);
    }
    entries.push(...Object.entries(set));
    return renderEntries(entries);
}

const retention = "wiz-infra:keyVaultSoftDeleteRetentionDays";
const holderTimeout = "wiz-infra:holderReadyTimeoutMinutes";
const releaseTimeout = "wiz-infra:releaseTimeoutSeconds";
const vaultName = "wiz-infra:keyVaultName";
const namespace = "wiz-infra:namespace";

/** In `key`, `{file}` stands for the case's own stack file name. */
const cases: BadConfig[] = [
    // Wrong types.
    {
        id: "sensor-yes-quoted",
        key: "wiz-infra:wizSensor",
        set: { "wiz-infra:wizSensor": '"yes"' },
    },
    { id: "sensor-on-plain", key: "wiz-infra:wizSensor", set: { "wiz-infra:wizSensor": "on" } },
    { id: "sensor-list", key: "wiz-infra:wizSensor", set: { "wiz-infra:wizSensor": "[true]" } },
    {
        id: "create-rg-maybe",
        key: "wiz-infra:createResourceGroup",
        set: { "wiz-infra:createResourceGroup": "maybe" },
    },
    {
        id: "purge-protection-number",
        key: "wiz-infra:keyVaultPurgeProtection",
        set: { "wiz-infra:keyVaultPurgeProtection": "1" },
    },
    { id: "retention-abc", key: retention, set: { [retention]: "abc" } },
    { id: "retention-fraction", key: retention, set: { [retention]: "7.5" } },
    { id: "release-timeout-duration", key: releaseTimeout, set: { [releaseTimeout]: '"15m"' } },
    { id: "namespace-list", key: namespace, set: { [namespace]: "[wiz, tools]" }, says: /a list/ },
    {
        id: "namespace-mapping",
        key: namespace,
        set: { [namespace]: "{name: wiz}" },
        says: /a mapping/,
    },
    {
        id: "keyvault-nested-mapping",
        key: "wiz-infra:keyVault",
        set: { "wiz-infra:keyVault": "{name: kv-wiz-table-01}" },
        says: /not a key of this project/,
    },
    // Missing required keys.
    {
        id: "no-resource-group",
        key: "wiz-infra:resourceGroupName",
        drop: ["wiz-infra:resourceGroupName"],
    },
    { id: "no-cluster-name", key: "wiz-infra:clusterName", drop: ["wiz-infra:clusterName"] },
    {
        id: "no-cluster-rg",
        key: "wiz-infra:clusterResourceGroupName",
        drop: ["wiz-infra:clusterResourceGroupName"],
    },
    { id: "no-location", key: "azure-native:location", drop: ["azure-native:location"] },
    {
        id: "cluster-name-empty",
        key: "wiz-infra:clusterName",
        set: { "wiz-infra:clusterName": "" },
        says: /not set/,
    },
    { id: "empty-file", key: "wiz-infra:resourceGroupName", raw: "" },
    // Out of range.
    { id: "retention-6", key: retention, set: { [retention]: "6" } },
    { id: "retention-91", key: retention, set: { [retention]: "91" } },
    { id: "retention-negative", key: retention, set: { [retention]: "-7" } },
    { id: "holder-timeout-0", key: holderTimeout, set: { [holderTimeout]: "0" } },
    { id: "holder-timeout-61", key: holderTimeout, set: { [holderTimeout]: "61" } },
    { id: "release-timeout-5", key: releaseTimeout, set: { [releaseTimeout]: "5" } },
    // Bad names.
    { id: "vault-name-25", key: vaultName, set: { [vaultName]: "kv-wiz-table-weu-01234567" } },
    { id: "vault-name-digit", key: vaultName, set: { [vaultName]: "1kv-wiz-table" } },
    { id: "vault-name-double-hyphen", key: vaultName, set: { [vaultName]: "kv--wiz-table" } },
    { id: "vault-name-trailing-hyphen", key: vaultName, set: { [vaultName]: "kv-wiz-table-" } },
    { id: "vault-name-underscore", key: vaultName, set: { [vaultName]: "kv_wiz_table" } },
    { id: "namespace-uppercase", key: namespace, set: { [namespace]: "Wiz" } },
    { id: "namespace-underscore", key: namespace, set: { [namespace]: "wiz_system" } },
    { id: "namespace-64", key: namespace, set: { [namespace]: "n".repeat(64) } },
    {
        id: "namespace-kube-system",
        key: namespace,
        set: { [namespace]: "kube-system" },
        says: /cluster's own/,
    },
    {
        id: "sa-name-default",
        key: "wiz-infra:serviceAccountName",
        set: { "wiz-infra:serviceAccountName": "default" },
    },
    {
        id: "registry-user-colon",
        key: "wiz-infra:registryUsername",
        set: { "wiz-infra:registryUsername": "team:pull" },
    },
    {
        id: "prefix-typo",
        key: "wiz-infr:namespace",
        set: { "wiz-infr:namespace": "security-tools" },
        says: /not in the wiz-infra namespace/,
    },
    {
        id: "sa-name-dot",
        key: "wiz-infra:serviceAccountName",
        set: { "wiz-infra:serviceAccountName": "wiz.reader" },
    },
    {
        id: "registry-with-scheme",
        key: "wiz-infra:registryServer",
        set: { "wiz-infra:registryServer": "https://wizio.azurecr.io" },
    },
    {
        id: "rg-trailing-dot",
        key: "wiz-infra:resourceGroupName",
        set: { "wiz-infra:resourceGroupName": "rg-wiz-table." },
    },
    {
        id: "cluster-name-space",
        key: "wiz-infra:clusterName",
        set: { "wiz-infra:clusterName": '"aks table"' },
    },
    {
        id: "display-name-101",
        key: "wiz-infra:clusterDisplayName",
        set: { "wiz-infra:clusterDisplayName": "d".repeat(101) },
    },
    {
        id: "registry-user-blank",
        key: "wiz-infra:registryUsername",
        set: { "wiz-infra:registryUsername": '"   "' },
    },
    {
        id: "location-display-name",
        key: "azure-native:location",
        set: { "azure-native:location": '"West Europe"' },
    },
    // Unknown keys and typos.
    {
        id: "unknown-key",
        key: "wiz-infra:replicas",
        set: { "wiz-infra:replicas": "3" },
        says: /not a key of this project/,
    },
    {
        id: "typo-namespace",
        key: "wiz-infra:nameSpace",
        set: { "wiz-infra:nameSpace": "wiz" },
        says: /did you mean wiz-infra:namespace\?/,
    },
    {
        id: "typo-unqualified",
        key: "wiz-infra:clusterNmae",
        set: { clusterNmae: "aks-table-weu-01" },
        says: /did you mean wiz-infra:clusterName\?/,
    },
    {
        id: "unknown-secret-key",
        key: "wiz-infra:wizApiKey",
        set: { "wiz-infra:wizApiKey": '{secure: "v1:Q0FOQVJZ:v1:canary-cipher-api-key-7a2c94"}' },
        secrets: canaryStrings(["v1:Q0FOQVJZ:v1:canary-cipher-api-key-7a2c94"]),
    },
    // Contradictory options.
    {
        id: "context-without-kubeconfig",
        key: "wiz-infra:kubeContext",
        set: { "wiz-infra:kubeContext": "aks-table-weu-01-admin" },
    },
    {
        id: "nothing-installed",
        key: "wiz-infra:wizConnector",
        set: {
            "wiz-infra:wizConnector": "false",
            "wiz-infra:wizSensor": "false",
            "wiz-infra:wizAdmissionController": "false",
        },
    },
    {
        id: "sensor-without-user",
        key: "wiz-infra:registryUsername",
        drop: ["wiz-infra:registryUsername"],
    },
    // Secrets in plain text.
    {
        id: "plain-client-token",
        key: "wiz-infra:wizClientToken",
        set: { "wiz-infra:wizClientToken": plainSecretCanary },
        secrets: [plainSecretCanary],
        says: /plain text/,
    },
    {
        id: "plain-registry-password",
        key: "wiz-infra:registryPassword",
        set: { "wiz-infra:registryPassword": `${plainSecretCanary}-pw` },
        secrets: [`${plainSecretCanary}-pw`],
    },
    // Unknown enumerated values.
    {
        id: "authorization-unknown",
        key: "wiz-infra:keyVaultAuthorization",
        set: { "wiz-infra:keyVaultAuthorization": "azureRbac" },
    },
    {
        id: "environment-unknown",
        key: "wiz-infra:environment",
        set: { "wiz-infra:environment": "staging" },
    },
    {
        id: "chart-version-unknown",
        key: "wiz-infra:wizChartVersion",
        set: { "wiz-infra:wizChartVersion": "0.3.66" },
    },
    {
        id: "provider-unknown",
        key: "wiz-infra:kubernetesProvider",
        set: { "wiz-infra:kubernetesProvider": "kubectl" },
    },
    // Raw YAML shapes.
    {
        id: "yaml-syntax",
        key: "{file}",
        raw: `${renderEntries(baseEntries)}    wiz-infra:namespace: [wiz\n`,
        says: /not valid YAML/,
    },
    {
        id: "yaml-tab-indent",
        key: "{file}",
        raw: "config:\n\twiz-infra:namespace: wiz\n",
        says: /not valid YAML/,
    },
    {
        id: "yaml-duplicate-key",
        key: "wiz-infra:clusterName",
        raw: `${renderEntries(baseEntries)}    wiz-infra:clusterName: aks-other-01\n`,
        says: /not valid YAML at line \d+, column \d+: a key is set twice \(wiz-infra:clusterName\)/,
    },
    {
        id: "yaml-unresolved-tag",
        key: "{file}",
        raw: renderEntries([
            ...baseEntries.filter(([k]) => k !== "wiz-infra:wizClientToken"),
            ["wiz-infra:wizClientToken", `!!int ${plainSecretCanary}-tagged`],
        ]),
        secrets: [`${plainSecretCanary}-tagged`],
        says: /not valid YAML at line \d+, column \d+: a value starts with '!'/,
    },
    {
        id: "yaml-custom-tag",
        key: "{file}",
        raw: renderEntries([
            ...baseEntries.filter(([k]) => k !== "wiz-infra:registryPassword"),
            ["wiz-infra:registryPassword", `!${plainSecretCanary}-bang`],
        ]),
        secrets: [`${plainSecretCanary}-bang`],
        says: /a value starts with '!'/,
    },
    {
        id: "yaml-collection-key",
        key: "{file}",
        raw: `${renderEntries(baseEntries)}    ? {secure: "v1:Q0FOQVJZ:v1:${plainSecretCanary}-key"}\n    : x\n`,
        secrets: [`${plainSecretCanary}-key`],
        says: /a key is a mapping or a list/,
    },
    {
        id: "yaml-undefined-alias",
        key: "{file}",
        raw: renderEntries([
            ...baseEntries.filter(([k]) => k !== "wiz-infra:wizClientToken"),
            ["wiz-infra:wizClientToken", `*${plainSecretCanary}-alias`],
        ]),
        secrets: [`${plainSecretCanary}-alias`],
        says: /no anchor of that name comes before it/,
    },
    {
        id: "yaml-two-documents",
        key: "{file}",
        raw: `${renderEntries(baseEntries)}---\n${renderEntries(baseEntries)}`,
        says: /not valid YAML/,
    },
    { id: "top-level-list", key: "{file}", raw: "- config\n- wiz-infra:namespace: wiz\n" },
    { id: "top-level-scalar", key: "{file}", raw: "wiz-infra\n" },
    { id: "config-string", key: "config", raw: "config: wiz-infra:namespace=wiz\n" },
    { id: "config-list", key: "config", raw: "config:\n    - azure-native:location: westeurope\n" },
];

export const badConfigs: BadConfig[] = cases.map((c) => ({
    ...c,
    key: c.key.replace("{file}", `Pulumi.${c.id}.yaml`),
}));
