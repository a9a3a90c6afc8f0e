/**
 * Validates a SecretProviderClass against the CRD's openAPIV3Schema (driver v1.6.0), derived
 * into `fixtures/`. The API server prunes fields a structural schema does not declare, without
 * an error; a pruned field here is almost always a typo, so it is reported as one.
 */
import Ajv, { type ErrorObject } from "ajv";
import crd from "../fixtures/secretproviderclass-v1.schema.json";

type Schema = Record<string, unknown>;

/** Closes every declared object so that fields the API server would prune become errors. */
function closeObjects(node: Schema, path: string[]): Schema {
    const out: Schema = { ...node };
    const properties = node.properties as Record<string, Schema> | undefined;
    if (properties) {
        out.properties = Object.fromEntries(
            Object.entries(properties).map(([key, child]) => [
                key,
                closeObjects(child, [...path, key]),
            ]),
        );
        // metadata and status are open in the CRD and filled by the API server.
        if (!["metadata", "status"].includes(path[path.length - 1] ?? ""))
            out.additionalProperties = false;
    }
    if (node.items && typeof node.items === "object")
        out.items = closeObjects(node.items as Schema, path);
    return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(closeObjects(crd.openAPIV3Schema as Schema, []));

export const spcSchemaSource = `${crd.group}/${crd.version} ${crd.kind} (secrets-store-csi-driver ${crd.driverRelease})`;

/** Problems of a SecretProviderClass object against the CRD schema; empty when valid. */
export function spcSchemaProblems(manifest: unknown): string[] {
    if (validate(manifest)) return [];
    return (validate.errors ?? []).map((e: ErrorObject) => {
        const at = e.instancePath || "/";
        const extra =
            e.keyword === "additionalProperties"
                ? ` "${(e.params as { additionalProperty: string }).additionalProperty}" (the API server would prune it)`
                : "";
        return `${at} ${e.message}${extra}`;
    });
}
