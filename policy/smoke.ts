/**
 * Starts the policy pack the way `pulumi preview --policy-pack policy` does (Pulumi's
 * run-policy-pack runner, with the pack directory as working directory, compiling the
 * TypeScript with type checks) and waits until it serves. A pack that does not load fails here,
 * in seconds and without Azure, instead of in the preview job.
 *
 * Run from the project root: `npx tsx policy/smoke.ts`.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

const policyDir = __dirname;
const timeoutMs = 120_000;

function main(): Promise<number> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [policyDir] });
    // The first argument stands for the engine's address, which the runner drops unused.
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
        cwd: policyDir,
        // The runner's TypeScript loader would otherwise leave a compile cache in the temp dir.
        env: { ...process.env, TS_NODE_CACHE: "false" },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    return new Promise((resolve) => {
        let done = false;
        const finish = (code: number, message: string) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            child.kill();
            (code === 0 ? console.log : console.error)(message);
            resolve(code);
        };
        const timer = setTimeout(
            () => finish(1, `policy pack did not start within ${timeoutMs / 1000}s\n${stderr}`),
            timeoutMs,
        );
        child.stdout.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const port = /^(\d+)\s*$/m.exec(stdout)?.[1];
            if (port !== undefined) {
                finish(
                    0,
                    `policy pack ${path.basename(policyDir)}/ loads and serves on port ${port}`,
                );
            }
        });
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
        });
        child.on("exit", (code) => {
            finish(1, `policy pack exited with code ${code} before serving\n${stdout}${stderr}`);
        });
    });
}

main().then((code) => {
    process.exitCode = code;
});
