/**
 * Helpers shared by the policies: reading resource properties that may be unknown during a
 * preview, recognising Pulumi secret markers, and describing values in violation messages.
 */

import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";

type ErrorClass = abstract new (...args: never[]) => Error;

// The SDK's index exports this class at run time, but its typings leave it out.
const unknownValueErrorClass = (policySdk as unknown as { UnknownValueError?: ErrorClass })
    .UnknownValueError;

/**
 * True for the error the SDK's property proxy throws when a policy reads a value that is only
 * known after the update (an Output of a resource not created yet).
 */
export function isUnknownValueError(error: unknown): boolean {
    return unknownValueErrorClass !== undefined && error instanceof unknownValueErrorClass;
}

/**
 * Runs independent checks so that a value unknown during a preview only stops the check that
 * reads it. Known violations are reported first; the first unknown is then re-thrown, which the
 * SDK turns into an advisory "can't run during preview" note whatever the policy's enforcement
 * level, so an unknown never blocks a preview and is checked for real by `pulumi up`.
 */
export class Checks {
    private pending: unknown;
    private hasPending = false;

    run(check: () => void): void {
        this.read(check);
    }

    /** Reads a value, or returns `known: false` (and remembers why) when it is not known yet. */
    read<T>(read: () => T): { known: true; value: T } | { known: false } {
        try {
            return { known: true, value: read() };
        } catch (error) {
            if (!isUnknownValueError(error)) throw error;
            if (!this.hasPending) {
                this.pending = error;
                this.hasPending = true;
            }
            return { known: false };
        }
    }

    settle(): void {
        if (this.hasPending) throw this.pending;
    }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `obj[key]` when `obj` is an object, else undefined. Unknown values throw, see `Checks`. */
export function field(obj: unknown, key: string): unknown {
    return isRecord(obj) ? obj[key] : undefined;
}

export function path(obj: unknown, keys: readonly string[]): unknown {
    let node = obj;
    for (const key of keys) node = field(node, key);
    return node;
}

/** Elements of `value` when it is an array, else an empty list. */
export function elements(value: unknown): unknown[] {
    if (!Array.isArray(value)) return [];
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(value[i]);
    return out;
}

const secretSignatureKey = "4dabf18193072939515e22adb298388d";
const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

/**
 * True for a value the engine marked secret: the SDK's `Secret` wrapper, or the wire form of a
 * secret when it reaches a policy without being unwrapped.
 */
export function isSecretMarker(value: unknown): boolean {
    if (value instanceof policySdk.Secret) return true;
    return isRecord(value) && value[secretSignatureKey] === secretSignature;
}

const maxShown = 300;

/**
 * A value as a violation message shows it. Only for values that are never credentials: names,
 * ids, flags, versions, image references.
 */
export function shown(value: unknown): string {
    if (value === undefined) return "not set";
    if (isSecretMarker(value)) return "a secret value (withheld)";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > maxShown ? `${text.slice(0, maxShown)}…` : text;
}

/** What a possibly secret value is, without any of its content. */
export function withheld(value: unknown): string {
    if (isSecretMarker(value)) return "a Pulumi secret (value withheld)";
    if (typeof value === "string") return `a ${value.length}-character string (value withheld)`;
    return `a value of type ${Array.isArray(value) ? "array" : typeof value} (value withheld)`;
}

/** How messages name a resource: its kind and its Pulumi name. */
export function subject(kind: string, name: string): string {
    return `${kind} "${name}"`;
}

/**
 * A resource validation limited to some resource types; other types are reported as not
 * applicable. `validate` gets a `Checks` to run its independent checks in.
 */
export function forTypes(
    types: readonly string[],
    validate: (args: ResourceValidationArgs, report: ReportViolation, checks: Checks) => void,
): ResourceValidation {
    return (args, report) => {
        if (!types.includes(args.type)) {
            args.notApplicable(`applies only to ${types.join(", ")}`);
        }
        const checks = new Checks();
        validate(args, report, checks);
        checks.settle();
    };
}
