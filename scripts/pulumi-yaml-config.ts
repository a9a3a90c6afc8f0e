/**
 * Prints the `config:` block of Pulumi.yaml from the schema in stacks/config.ts, so that the
 * CLI's declarations (type, description, default) never drift from what the program validates:
 *
 *   npx tsx scripts/pulumi-yaml-config.ts
 *
 * Optional keys are declared with default "" because Pulumi requires a value for every
 * declared key without a default; the program reads "" as unset. Secrets are declared the same
 * way even when required: the CLI's own check of a missing key would stop `pulumi up` before the
 * program could print the `pulumi config set --secret …` command that fixes it.
 */
import { stringify } from "yaml";
import { keySpecs } from "../stacks/config";

export function pulumiYamlConfig(): Record<string, Record<string, unknown>> {
    const config: Record<string, Record<string, unknown>> = {};
    for (const [key, spec] of Object.entries(keySpecs)) {
        const s = spec as {
            type: string;
            description: string;
            default?: unknown;
            required?: true;
            secret?: boolean;
        };
        const declaration: Record<string, unknown> = { type: s.type, description: s.description };
        if (s.default !== undefined) declaration.default = s.default;
        else if (!s.required || s.secret) declaration.default = "";
        config[key] = declaration;
    }
    return config;
}

if (require.main === module) {
    process.stdout.write(stringify({ config: pulumiYamlConfig() }, { lineWidth: 0 }));
}
