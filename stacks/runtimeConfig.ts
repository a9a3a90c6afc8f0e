/** Reads the stack configuration from the Pulumi runtime and validates it. */
import * as pulumi from "@pulumi/pulumi";
import { type LoadedConfig, parseStackConfig } from "./config";

// The SDK exports this at runtime but leaves it out of its type declarations.
const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };

export function loadRuntimeConfig(): LoadedConfig {
    const values = pulumi.runtime.allConfig();
    const secretKeys = new Set(Object.keys(values).filter((key) => runtime.isConfigSecret(key)));
    return parseStackConfig({
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        values,
        secretKeys,
    });
}
