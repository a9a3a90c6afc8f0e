/**
 * Helm release policies: an exact chart version, and no credentials in the values. Helm keeps
 * the values of every revision in its release record in the cluster, and Pulumi keeps them in
 * the stack state, so a credential there bypasses Key Vault entirely; the chart must be given
 * the names of Secrets that the CSI driver syncs instead.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import {
    type Checks,
    field,
    forTypes,
    isRecord,
    isSecretMarker,
    shown,
    subject,
    withheld,
} from "./support";
import { helmChartV4Type, helmReleaseType } from "./types";

const helmTypes = [helmReleaseType, helmChartV4Type];

const releaseLabel = (args: ResourceValidationArgs) =>
    subject(args.type === helmReleaseType ? "Helm release" : "Helm chart", args.name);

const exactVersion =
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Why `version` does not pin one chart version, or undefined when it does. */
export function versionProblem(version: unknown): string | undefined {
    if (version === undefined || version === null || version === "") {
        return "which leaves Helm to install the newest chart version";
    }
    if (typeof version !== "string") return "which is not a string";
    if (exactVersion.test(version)) return undefined;
    if (/[\^~<>=*|]|\bx\b|\.x|\s-\s/i.test(version)) return "which is a version range";
    return "which is not an exact X.Y.Z version";
}

/** Charts read from a directory carry their own version; `version` does not apply to them. */
function isLocalChart(chart: unknown): boolean {
    return typeof chart === "string" && /^(\.{1,2}\/|\/)/.test(chart);
}

export const helmChartVersionPinned: ResourceValidationPolicy = {
    name: "helm-chart-version-pinned",
    description:
        "Helm releases must pin the chart to one exact version (X.Y.Z, optionally with a " +
        "prerelease), not a range and not empty.",
    severity: "medium",
    remediationSteps: 'Set version to the exact chart version, e.g. version: "0.3.65".',
    validateResource: forTypes(helmTypes, (args, report, checks) => {
        checks.run(() => {
            if (isLocalChart(field(args.props, "chart"))) return;
            const version = field(args.props, "version");
            const problem = versionProblem(version);
            if (problem === undefined) return;
            report(
                `${releaseLabel(args)}: version is ${shown(version)}, ${problem}. Set version to ` +
                    'the exact chart version to deploy, e.g. "1.2.3".',
            );
        });
    }),
};

/** Keys whose string value is a credential, unless the key says it only names or locates one. */
const credentialKey =
    /(password|passwd|passphrase|token|secret|api[-_]?key|client[-_]?id|credential|private[-_]?key|access[-_]?key|connection[-_]?string|dockerconfig)/i;

/**
 * Keys that name, locate or describe a secret: `global.wizApiToken.secret.name`,
 * `existingSecret`, `imagePullSecrets`, `tokenFile`, `secretType`.
 */
const referenceKey =
    /(name|names|ref|file|path|dir|audience|issuer|url|uri|endpoint|type|mode|kind|format|version)$|^(existing[-_]?\w*|(image[-_]?)?pull[-_]?secrets?)$/i;

export function isCredentialKey(key: string): boolean {
    return credentialKey.test(key) && !referenceKey.test(key);
}

function parseJson(text: string): unknown {
    const trimmed = text.trim();
    if (!trimmed.startsWith("{")) return undefined;
    try {
        return JSON.parse(trimmed);
    } catch {
        return undefined;
    }
}

function isDockerConfig(value: unknown): boolean {
    return isRecord(value) && (isRecord(value.auths) || isRecord(value.credHelpers));
}

/** A JSON object carrying a credential field: a service principal or service account file. */
function isCredentialJson(value: unknown): boolean {
    if (!isRecord(value)) return false;
    return Object.entries(value).some(
        ([key, inner]) => isCredentialKey(key) && typeof inner === "string" && inner !== "",
    );
}

const jwtPattern = /^eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/;
const privateKeyPattern = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const basicAuthPattern = /^[^\s:]+:[^\s]{3,}$/;

function isPrintable(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        const whitespace = code === 9 || code === 10 || code === 13;
        if (!whitespace && (code < 32 || code > 126)) return false;
    }
    return true;
}

/** The text a base64 string encodes, when it is real base64 of printable text. */
function decodeBase64(text: string): string | undefined {
    const compact = text.replace(/\s+/g, "");
    if (compact.length < 16 || compact.length % 4 !== 0) return undefined;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
    const bytes = Buffer.from(compact, "base64");
    if (bytes.toString("base64") !== compact) return undefined;
    const decoded = bytes.toString("utf8");
    return isPrintable(decoded) ? decoded : undefined;
}

/** What credential `text` looks like, or undefined when it looks like none. */
export function credentialShape(text: string): string | undefined {
    const trimmed = text.trim();
    if (jwtPattern.test(trimmed)) return "a JWT";
    if (privateKeyPattern.test(trimmed)) return "a PEM private key";
    const json = parseJson(trimmed);
    if (isDockerConfig(json)) return "a Docker config JSON";
    if (isCredentialJson(json)) return "a JSON credential file";
    const decoded = decodeBase64(trimmed);
    if (decoded === undefined) return undefined;
    const decodedJson = parseJson(decoded);
    if (isDockerConfig(decodedJson)) return "a base64-encoded Docker config JSON";
    if (isCredentialJson(decodedJson)) return "a base64-encoded JSON credential file";
    if (jwtPattern.test(decoded.trim())) return "a base64-encoded JWT";
    if (privateKeyPattern.test(decoded)) return "a base64-encoded PEM private key";
    if (basicAuthPattern.test(decoded)) return "a base64-encoded user:password pair";
    return undefined;
}

export interface Finding {
    path: string;
    problem: string;
}

function childPath(parent: string, key: string): string {
    return /^[A-Za-z0-9_-]+$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Walks Helm values and collects what looks like a credential. `key` is the key the value sits
 * under; array elements inherit the key of their array.
 */
export function findCredentials(
    value: unknown,
    where: string,
    key: string | undefined,
    checks: Checks,
    out: Finding[] = [],
): Finding[] {
    const credentialPlace = key !== undefined && isCredentialKey(key);
    if (isSecretMarker(value)) {
        if (credentialPlace) {
            out.push({
                path: where,
                problem:
                    `holds ${withheld(value)}; Helm still stores it in plain text in the ` +
                    "release record",
            });
            return out;
        }
        const inner = (value as { value?: unknown }).value;
        return findCredentials(inner, where, key, checks, out);
    }
    if (typeof value === "string") {
        if (credentialPlace && value !== "") {
            out.push({ path: where, problem: `holds ${withheld(value)} under a credential key` });
            return out;
        }
        const shape = credentialShape(value);
        if (shape !== undefined) {
            out.push({ path: where, problem: `looks like ${shape} (value withheld)` });
        }
        return out;
    }
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const item = checks.read(() => value[i]);
            if (item.known) findCredentials(item.value, `${where}[${i}]`, key, checks, out);
        }
        return out;
    }
    if (isRecord(value)) {
        for (const childKey of Object.keys(value)) {
            const child = checks.read(() => value[childKey]);
            if (child.known) {
                findCredentials(child.value, childPath(where, childKey), childKey, checks, out);
            }
        }
    }
    return out;
}

export const helmValuesNoPlaintextSecrets: ResourceValidationPolicy = {
    name: "helm-values-no-plaintext-secrets",
    description:
        "Helm values must not contain credentials: no string under a credential key such as " +
        "token, password, clientSecret, clientId or apiKey (names of Kubernetes Secrets are " +
        "fine), and no value that looks like a JWT, a Docker config JSON or an encoded " +
        "credential.",
    severity: "critical",
    remediationSteps:
        "Store the credential in Key Vault, let the Secrets Store CSI driver sync it into a " +
        "Kubernetes Secret, and give the chart only that Secret's name.",
    validateResource: forTypes(helmTypes, (args, report, checks) => {
        const values = checks.read(() => field(args.props, "values"));
        if (!values.known) return;
        for (const finding of findCredentials(values.value, "values", undefined, checks)) {
            report(
                `${releaseLabel(args)}: ${finding.path} ${finding.problem}. Keep the ` +
                    "credential in Key Vault, let the CSI driver sync it into a Kubernetes " +
                    "Secret, and pass the chart only the Secret's name (as in " +
                    "global.wizApiToken.secret.name).",
            );
        }
    }),
};

export const helmPolicies = [helmChartVersionPinned, helmValuesNoPlaintextSecrets];
