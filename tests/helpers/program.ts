/**
 * Runs the real program under the shared simulated providers (cli/simulator.ts) for a config
 * built from a committed stack file plus overrides, and returns what was registered.
 */
import * as path from "node:path";
import { type Capture, type CapturedResource, captureProgram } from "../../cli/capture";
import type { SimulatedCluster } from "../../cli/simulator";
import { readStack } from "../../cli/stackFiles";

export const projectDir = path.resolve(__dirname, "..", "..");

/** Distinct values no output may ever contain. */
export const canaries = {
    "wiz-infra:wizClientId": "canary-client-id-7f3a9c",
    "wiz-infra:wizClientToken": "canary-client-token-b81e4d",
    "wiz-infra:registryPassword": "canary-registry-password-c5d20f",
} as const;

export interface RunOptions {
    /** Committed stack file to start from. */
    base?: "dev" | "prod";
    /** Any stack file to start from instead (an example); the stack is named after it. */
    stackFile?: string;
    stack?: string;
    /** Config keys to set (`namespace:key`); `undefined` removes a key. */
    set?: Record<string, string | undefined>;
    /** Secret values by key; defaults to the canaries. Pass `null` to leave a secret unset. */
    secrets?: Partial<Record<keyof typeof canaries, string | null>>;
    /** Keys to hand over as plain (non-secret) values even though they are secrets. */
    plainKeys?: string[];
    cluster?: Partial<SimulatedCluster>;
    /** Run this code under the mocks instead of the program's entry. */
    program?: () => Promise<unknown>;
}

export function stackConfig(options: RunOptions = {}): {
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
} {
    const input = options.stackFile
        ? readStack({ projectDir, stackFile: options.stackFile })
        : readStack({ projectDir, stack: options.base ?? "dev" });
    const config = { ...input.config };
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries({ ...canaries, ...options.secrets })) {
        if (value === null) {
            delete config[key];
            continue;
        }
        config[key] = value as string;
        if (!options.plainKeys?.includes(key)) secretKeys.push(key);
    }
    for (const [key, value] of Object.entries(options.set ?? {})) {
        if (value === undefined) delete config[key];
        else config[key] = value;
    }
    return { stack: options.stack ?? input.stack, config, secretKeys };
}

export async function runProgram(options: RunOptions = {}): Promise<Capture> {
    const { stack, config, secretKeys } = stackConfig(options);
    return captureProgram({
        project: "wiz-infra",
        stack,
        location: config["azure-native:location"] ?? "westeurope",
        cluster: options.cluster,
        config,
        secretKeys,
        entry: path.join(projectDir, "index.ts"),
        program: options.program,
    });
}

/** Runs the program expecting it to throw; returns the error and what was registered first. */
export async function runProgramError(
    options: RunOptions = {},
): Promise<{ error: Error; capture: Capture }> {
    try {
        await runProgram(options);
    } catch (error) {
        return { error: error as Error, capture: (error as { capture: Capture }).capture };
    }
    throw new Error("the program was expected to fail");
}

export function byType(capture: Capture, type: string): CapturedResource[] {
    return capture.resources.filter((r) => r.type === type);
}

export function one(capture: Capture, type: string, name?: string): CapturedResource {
    const found = byType(capture, type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1)
        throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
    return found[0];
}

/** Every URN a resource depends on, directly or through other resources. */
export function transitiveDependencies(capture: Capture, urn: string): Set<string> {
    const byUrn = new Map(capture.resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const visit = (u: string) => {
        for (const dep of byUrn.get(u)?.dependencies ?? []) {
            if (!seen.has(dep)) {
                seen.add(dep);
                visit(dep);
            }
        }
    };
    visit(urn);
    return seen;
}
