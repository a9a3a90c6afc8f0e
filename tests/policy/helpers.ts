/**
 * Calls policies the way the analyzer does, without the PolicyPack and its gRPC server: hand-built
 * argument bags, a reportViolation spy, and the SDK's own unknown-value proxy for previews.
 */

import type {
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as policySdk from "@pulumi/policy";
import * as sdkProxy from "@pulumi/policy/proxy";
import { type Mock, vi } from "vitest";
import { isUnknownValueError } from "../../policy/support";

// Both exist at run time; the SDK's typings omit them.
const proxyInternals = sdkProxy as unknown as {
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
};
const sdkRuntime = policySdk as unknown as {
    unknownCheckingProxy: <T extends object>(props: T) => T;
};

/** What the engine sends for a string (array, object) that is not known until the update. */
export const unknownString = proxyInternals.unknownStringValue;
export const unknownArray = proxyInternals.unknownArrayValue;
export const unknownObject = proxyInternals.unknownObjectValue;

/** Props as a policy sees them during a preview: reading an unknown value throws. */
export function previewProps<T extends object>(props: T): T {
    return sdkRuntime.unknownCheckingProxy(props);
}

class NotApplicable extends Error {}

const options: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function typeOf(resourceClass: unknown): string | undefined {
    return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:test::wiz-infra::${type}::${name}`;
}

export function resourceArgs(
    type: string,
    props: Record<string, unknown>,
    extra: { name?: string; config?: object } = {},
): ResourceValidationArgs {
    const name = extra.name ?? "subject";
    return {
        type,
        props,
        urn: urnOf(type, name),
        name,
        opts: options,
        stackTags: new Map(),
        isType: (resourceClass) => typeOf(resourceClass) === type,
        asType: <TArgs>(resourceClass: unknown) =>
            (typeOf(resourceClass) === type ? props : undefined) as TArgs,
        getConfig: <T extends object>() => (extra.config ?? {}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

export interface Outcome {
    report: Mock<(message: string, urn?: string) => void>;
    messages: string[];
    /** The SDK's "can't run during preview" text, when a value was unknown. */
    deferred?: string;
    notApplicable?: string;
}

async function settle(outcome: Outcome, run: () => Promise<void> | void): Promise<Outcome> {
    try {
        await run();
    } catch (error) {
        if (error instanceof NotApplicable) {
            outcome.notApplicable = error.message;
        } else if (isUnknownValueError(error)) {
            outcome.deferred = (error as Error).message;
        } else {
            throw error;
        }
    }
    outcome.messages = outcome.report.mock.calls.map(([message]) => message);
    return outcome;
}

function newOutcome(): Outcome {
    return { report: vi.fn<(message: string, urn?: string) => void>(), messages: [] };
}

export async function validateResource(
    policy: ResourceValidationPolicy,
    args: ResourceValidationArgs,
): Promise<Outcome> {
    const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : policy.validateResource
          ? [policy.validateResource]
          : [];
    if (validations.length === 0) throw new Error(`${policy.name} has no validateResource`);
    const outcome = newOutcome();
    return settle(outcome, async () => {
        for (const validation of validations) await validation(args, outcome.report);
    });
}

/** Shorthand: validate one resource of `type` with `props`. */
export function check(
    policy: ResourceValidationPolicy,
    type: string,
    props: Record<string, unknown>,
    extra: { name?: string; config?: object } = {},
): Promise<Outcome> {
    return validateResource(policy, resourceArgs(type, props, extra));
}

export interface StackEntry {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

export function stackArgs(entries: StackEntry[], config: object = {}): StackValidationArgs {
    const resources = entries.map(
        ({ type, name, props }): PolicyResource => ({
            type,
            name,
            props,
            urn: urnOf(type, name),
            opts: options,
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => typeOf(resourceClass) === type,
            asType: ((resourceClass: unknown) =>
                typeOf(resourceClass) === type ? props : undefined) as PolicyResource["asType"],
        }),
    );
    return {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

export function validateStack(
    policy: StackValidationPolicy,
    args: StackValidationArgs,
): Promise<Outcome> {
    const outcome = newOutcome();
    return settle(outcome, () => policy.validateStack(args, outcome.report));
}
