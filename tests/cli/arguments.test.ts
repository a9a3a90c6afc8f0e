/**
 * The plan's command line and stack files at their edges: argument combinations, where relative
 * paths go, files it cannot write, and stack files Pulumi would not read as they are. Each runs
 * through main(argv, io), the entry the spawned CLI uses.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invocationDir } from "../../cli/commandLine";
import { exitCodes, main } from "../../cli/plan";
import { makeTempDir, projectDir, removeTempDirs, stackTraceLine } from "./harness";

interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

async function plan(argv: string[], from = projectDir): Promise<Result> {
    let stdout = "";
    let stderr = "";
    const code = await main(
        argv,
        {
            stdout: (t) => {
                stdout += t;
            },
            stderr: (t) => {
                stderr += t;
            },
        },
        from,
    );
    return { code, stdout, stderr };
}

/** Exit 2 with exactly one `error:` line matching `says`, and no trace. */
function expectOneError(result: Result, says: RegExp): void {
    expect(result.code, result.stderr).toBe(exitCodes.invalid);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error:"));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(says);
    expect(result.stderr).not.toMatch(stackTraceLine);
}

const sensorOff = fs.readFileSync(
    path.join(projectDir, "examples", "Pulumi.sensor-off.yaml"),
    "utf8",
);
let dir: string;

beforeAll(() => {
    dir = makeTempDir("arguments");
});
afterAll(removeTempDirs);

describe("argument combinations", () => {
    it("refuses --stack together with --stack-file", async () => {
        expectOneError(
            await plan(["--stack", "dev", "--stack-file", "examples/Pulumi.sensor-off.yaml"]),
            /--stack or --stack-file, not both/,
        );
    });

    it.each([
        ["--stack", "dev", "--stack", "prod"],
        ["--stack-file", "examples/Pulumi.dev-rbac.yaml", "--stack-file", "Pulumi.dev.yaml"],
    ])("refuses a repeated option: %s … %s", async (...argv) => {
        expectOneError(await plan(argv), new RegExp(`${argv[0]} is given more than once`));
    });

    it("says an empty --stack needs a value rather than that it is missing", async () => {
        expectOneError(await plan(["--stack="]), /--stack needs a value/);
    });

    it("names a missing --stack-file without listing the project's stacks", async () => {
        const result = await plan(["--stack-file", "examples/Pulumi.nothing.yaml"]);
        expectOneError(result, /no stack file .*examples\/Pulumi\.nothing\.yaml$/);
    });

    it.each(["--json=", "--mermaid=", "--out=", "--cwd=", "--json=   "])(
        "refuses an empty %j",
        async (flag) => {
            expectOneError(
                await plan(["--stack", "dev", flag]),
                new RegExp(`${flag.split("=")[0]} needs a value`),
            );
        },
    );
});

describe("relative paths", () => {
    it("are taken from the directory the user started in, the project from the package", async () => {
        const from = path.join(dir, "user-dir");
        fs.mkdirSync(from);
        fs.writeFileSync(path.join(from, "Pulumi.mine.yaml"), sensorOff);
        const result = await plan(
            ["--stack-file", "Pulumi.mine.yaml", "--json", "out/mine.json", "--out", "objects"],
            from,
        );
        expect(result.stderr).toBe("");
        expect(result.code).toBe(exitCodes.ok);
        expect(result.stdout).toContain("Offline plan of wiz-infra (stack mine)");
        expect(fs.existsSync(path.join(from, "out", "mine.json"))).toBe(true);
        expect(fs.readdirSync(path.join(from, "objects")).length).toBeGreaterThan(0);
        // The files are listed as the user would type them.
        expect(result.stdout).toMatch(/^ {2}out\/mine\.json$/m);
        expect(fs.existsSync(path.join(projectDir, "out", "mine.json"))).toBe(false);
    });

    it("start where npm was started only when npm runs the plan script", () => {
        expect(invocationDir("plan", { npm_lifecycle_event: "plan", INIT_CWD: "/somewhere" })).toBe(
            "/somewhere",
        );
        expect(invocationDir("plan", { npm_lifecycle_event: "test", INIT_CWD: "/somewhere" })).toBe(
            process.cwd(),
        );
        expect(invocationDir("plan", {})).toBe(process.cwd());
    });
});

describe("files the plan cannot write", () => {
    it("a --json path that is a directory: exit 2, the path and the reason", async () => {
        const target = path.join(dir, "a-directory");
        fs.mkdirSync(target);
        expectOneError(
            await plan(["--stack", "dev", "--json", target]),
            new RegExp(`cannot write: ${target} is a directory, not a file`),
        );
    });

    it("an --out path that is a file: exit 2 before planning, no other file written", async () => {
        const target = path.join(dir, "a-file");
        fs.writeFileSync(target, "x");
        const json = path.join(dir, "not-written.json");
        const result = await plan(["--stack", "dev", "--json", json, "--out", target]);
        expectOneError(result, new RegExp(`cannot write: ${target} is a file, not a directory`));
        expect(result.stdout).toBe("");
        expect(fs.existsSync(json)).toBe(false);
    });

    it("an output that would overwrite the stack file, another output, or land in --out", async () => {
        const stackFile = path.join(dir, "Pulumi.overwrite.yaml");
        fs.writeFileSync(stackFile, sensorOff);
        expectOneError(
            await plan(["--stack-file", stackFile, "--json", stackFile]),
            /^error: --json: .*Pulumi\.overwrite\.yaml is an input of the plan$/,
        );
        expect(fs.readFileSync(stackFile, "utf8")).toBe(sensorOff);
        const same = path.join(dir, "same.out");
        expectOneError(
            await plan(["--stack", "dev", "--json", same, "--mermaid", same]),
            /--json and --mermaid both name .*same\.out$/,
        );
        const out = path.join(dir, "objects-out");
        expectOneError(
            await plan(["--stack", "dev", "--out", out, "--mermaid", path.join(out, "g.mmd")]),
            /^error: --mermaid: .*g\.mmd is inside --out/,
        );
        expect(fs.existsSync(same)).toBe(false);
        expect(fs.existsSync(out)).toBe(false);
    });

    it("a parseArgs mistake explained over several lines is one error line", async () => {
        const result = await plan(["--stack", "--json", "x.json"]);
        expect(result.code).toBe(exitCodes.invalid);
        expect(result.stderr.split("\n").filter((l) => l.startsWith("error:"))).toHaveLength(1);
        expect(result.stderr.split("\n")[1]).toMatch(/^Usage: /);
    });

    it("a --json path below a file", async () => {
        const file = path.join(dir, "plain-file");
        fs.writeFileSync(file, "x");
        expectOneError(
            await plan(["--stack", "dev", "--json", path.join(file, "sub", "plan.json")]),
            new RegExp(`cannot write: ${file} is a file, not a directory`),
        );
    });
});

describe("stack files Pulumi would not read as they are", () => {
    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("a config block under a misspelt top-level key", async () => {
        const file = write("Pulumi.topkey.yaml", sensorOff.replace(/^config:/m, "confg:"));
        expectOneError(
            await plan(["--stack-file", file]),
            /^error: confg in Pulumi\.topkey\.yaml is not a stack file key/,
        );
    });

    it("a YAML syntax error: where it is, without a dangling colon", async () => {
        const file = write("Pulumi.dupe.yaml", `${sensorOff}    wiz-infra:clusterName: a\n`);
        const result = await plan(["--stack-file", file]);
        expectOneError(
            result,
            /Pulumi\.dupe\.yaml is not valid YAML at line 24, column 5: a key is set twice \(wiz-infra:clusterName\)$/,
        );
    });

    it("a value that refers to itself through an alias", async () => {
        const file = write(
            "Pulumi.alias.yaml",
            `${sensorOff}    wiz-infra:kubeContext: &loop\n        inner: *loop\n`,
        );
        expectOneError(
            await plan(["--stack-file", file]),
            /^error: wiz-infra:kubeContext refers to itself through a YAML alias/,
        );
    });

    it("takes YAML anchors and aliases, as Pulumi's reader does", async () => {
        const file = write(
            "Pulumi.aliased.yaml",
            `${sensorOff.replace(
                "wiz-infra:clusterDisplayName: sandbox-neu-01",
                "wiz-infra:clusterDisplayName: &display aliased-display",
            )}    wiz-infra:kubeContext: *display\n    wiz-infra:kubernetesProvider: kubeconfig\n`,
        );
        const result = await plan(["--stack-file", file, "--json", "-"]);
        expect(result.code, result.stderr).toBe(exitCodes.ok);
        const provider = (
            JSON.parse(result.stdout) as { resources: { type: string; inputs: unknown }[] }
        ).resources.find((r) => r.type === "pulumi:providers:kubernetes");
        expect(provider?.inputs).toMatchObject({ context: "aliased-display" });
    });

    it("a stack name Pulumi would refuse", async () => {
        const file = write("Pulumi.ünï.yaml", sensorOff);
        expectOneError(await plan(["--stack-file", file]), /stack name "ünï" is not valid/);
    });

    it("a non-secret key stored as a secret: its value is not shown when it is wrong", async () => {
        const file = write(
            "Pulumi.securelocation.yaml",
            sensorOff.replace(
                /azure-native:location: .*/,
                'azure-native:location: {secure: "v1:Y2lwaGVy:v1:cipher-for-location"}',
            ),
        );
        const result = await plan(["--stack-file", file]);
        expectOneError(result, /^error: azure-native:location .*; got a value\./);
        expect(result.stderr).not.toContain("placeholder");
        expect(result.stderr).not.toContain("cipher-for-location");
    });
});
