/**
 * The wiring checks: each follows one link between two objects of the graph that Azure, the CSI
 * driver or the chart would otherwise leave broken without an error. The program runs them on
 * the objects it is about to register; the offline plan runs them again on what was registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { chartKeyIndex, findUnknownValueKeys } from "./chartValues";
import { parseObjectsParameter, type SecretProviderClassManifest } from "./secretProviderClass";
import { spcSchemaProblems, spcSchemaSource } from "./spcSchema";
import { secretNamesReferenced } from "./wizValues";

export interface SpcMount {
    /** The workload whose pods mount the SecretProviderClass, e.g. `Deployment wiz/wiz-secret-sync`. */
    workload: string;
    namespace: string;
    serviceAccountName: string;
    secretProviderClassName: string;
}

export interface WiringModel {
    /** Names of the vault secrets the graph creates. */
    vaultSecretNames: string[];
    secretProviderClass: SecretProviderClassManifest;
    releaseValues: Record<string, unknown>;
    chartVersion: string;
    mounts: SpcMount[];
    /** Subjects of the federated credentials on the identity the SecretProviderClass names. */
    federatedSubjects: string[];
}

export interface CheckResult {
    name: string;
    ok: boolean;
    detail: string;
}

export class WiringError extends pulumi.RunError {
    constructor(public readonly results: CheckResult[]) {
        super(
            results
                .filter((r) => !r.ok)
                .map((r) => `wiring check ${r.name} failed: ${r.detail}`)
                .join("\n"),
        );
        this.name = "WiringError";
    }
}

const result = (name: string, failures: string[], okDetail: string): CheckResult =>
    failures.length === 0
        ? { name, ok: true, detail: okDetail }
        : { name, ok: false, detail: failures.join("; ") };

export function runWiringChecks(model: WiringModel): CheckResult[] {
    const spc = model.secretProviderClass;
    const spcName = `SecretProviderClass ${spc.metadata.namespace}/${spc.metadata.name}`;
    let objects: Record<string, unknown>[] = [];
    const parseFailures: string[] = [];
    try {
        objects = parseObjectsParameter(spc.spec.parameters.objects ?? "");
    } catch (error) {
        parseFailures.push(`${spcName} parameters.objects: ${(error as Error).message}`);
    }
    const aliases = objects.map((o) => String(o.objectAlias ?? o.objectName));
    const vault = new Set(model.vaultSecretNames);

    const spcObjects = result(
        "spc-objects-exist-in-vault",
        [
            ...parseFailures,
            ...objects
                .filter((o) => !vault.has(String(o.objectName)))
                .map(
                    (o) =>
                        `${spcName} object "${String(o.objectName)}" names no vault secret the graph creates (${[...vault].join(", ")})`,
                ),
        ],
        `${objects.length} objects of ${spcName} are vault secrets the graph creates`,
    );

    const syncFailures: string[] = [];
    for (const secret of spc.spec.secretObjects) {
        for (const entry of secret.data) {
            if (!aliases.includes(entry.objectName)) {
                syncFailures.push(
                    `synced Secret ${secret.secretName} key ${entry.key} reads objectName "${entry.objectName}", which is not an alias in ${spcName} objects (${aliases.join(", ")})`,
                );
            }
        }
    }
    const syncAliases = result(
        "synced-keys-are-aliases",
        syncFailures,
        `every secretObjects.data.objectName is an alias of ${spcName}`,
    );

    const produced = new Set(spc.spec.secretObjects.map((s) => s.secretName));
    const referenced = secretNamesReferenced(model.releaseValues);
    const chartSecrets = result(
        "chart-secrets-are-synced",
        referenced
            .filter((r) => !produced.has(r.name))
            .map(
                (r) =>
                    `chart value ${r.path} names Secret "${r.name}", which ${spcName} secretObjects does not produce (${[...produced].join(", ")})`,
            ),
        `${referenced.map((r) => r.name).join(", ")} named by the chart values are produced by ${spcName}`,
    );

    const subjects = new Set(model.federatedSubjects);
    const mountFailures = model.mounts.flatMap((m) => {
        const subject = `system:serviceaccount:${m.namespace}:${m.serviceAccountName}`;
        const failures: string[] = [];
        if (
            m.secretProviderClassName !== spc.metadata.name ||
            m.namespace !== spc.metadata.namespace
        ) {
            failures.push(
                `${m.workload} mounts SecretProviderClass ${m.namespace}/${m.secretProviderClassName}, but the graph creates ${spc.metadata.namespace}/${spc.metadata.name}`,
            );
        }
        if (!subjects.has(subject)) {
            failures.push(
                `${m.workload} runs as ServiceAccount ${m.namespace}/${m.serviceAccountName}, but the identity in ${spcName} has no federated credential with subject ${subject} (has: ${[...subjects].join(", ") || "none"})`,
            );
        }
        return failures;
    });
    if (model.mounts.length === 0)
        mountFailures.push(`no workload mounts ${spcName}: nothing would sync its Secrets`);
    const federated = result(
        "mounting-service-accounts-are-federated",
        mountFailures,
        model.mounts
            .map(
                (m) =>
                    `${m.workload} (ServiceAccount ${m.serviceAccountName}) has a federated credential`,
            )
            .join("; "),
    );

    const index = chartKeyIndex(model.chartVersion);
    const unknownKeys = findUnknownValueKeys(model.releaseValues, index);
    const chartKeys = result(
        "chart-value-keys-exist",
        unknownKeys.map((k) => `release value ${k.path} ${k.reason}`),
        `every value key set exists in ${index.chart} ${index.version}`,
    );

    const schema = result(
        "spc-matches-crd-schema",
        spcSchemaProblems(spc).map((p) => `${spcName} ${p}`),
        `${spcName} validates against ${spcSchemaSource}`,
    );

    return [spcObjects, syncAliases, chartSecrets, federated, chartKeys, schema];
}
