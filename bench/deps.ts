/**
 * Child process of the bench: runs one stack through `captureProgram` (the same capture the
 * offline plan uses) and writes, per resource, the dependencies the SDK computed for each input
 * property. The plan JSON only has the union of a resource's dependencies; these per-property
 * lists tell an edge that carries data from one that only orders.
 *
 *   tsx bench/deps.ts (--stack <name> | --stack-file <path>) --out <file>
 *
 * One stack per process: Pulumi's runtime keeps its mocks and settings in module state.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { captureStack } from "../cli/capture";
import { readStack } from "../cli/stackFiles";

export interface PropertyDependencyRecord {
    urn: string;
    type: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            "stack-file": { type: "string" },
            out: { type: "string" },
        },
        strict: true,
    });
    if ((!values.stack && !values["stack-file"]) || !values.out) {
        throw new Error(
            "usage: tsx bench/deps.ts (--stack <name> | --stack-file <path>) --out <file>",
        );
    }
    // The same preparation as the plan: secrets replaced by placeholders, never read.
    const input = readStack({
        projectDir: process.cwd(),
        stack: values.stack,
        stackFile: values["stack-file"],
    });
    const capture = await captureStack(input);
    const records: PropertyDependencyRecord[] = capture.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
    }));
    fs.writeFileSync(values.out, `${JSON.stringify(records, null, 2)}\n`);
}

main().then(
    () => process.stdout.write("", () => process.exit(0)),
    (error) => {
        process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    },
);
