/**
 * What the project's command-line scripts (the plan, the bench) share: where relative paths
 * start, repeated options, and whether an output path can be written.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where the user was when they ran an npm script: `npm run` starts scripts in the package root
 * and tells the directory it was started in through INIT_CWD. Relative paths a user types are
 * taken from there.
 */
export function invocationDir(script: string, env: NodeJS.ProcessEnv = process.env): string {
    return env.npm_lifecycle_event === script && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/**
 * The first option given more than once: parseArgs keeps the last value, which would quietly
 * do something other than what the user typed first.
 */
export function repeatedOption(
    tokens: readonly { kind: string; name?: string }[] | undefined,
): string | undefined {
    const given = (tokens ?? []).flatMap((t) => (t.kind === "option" && t.name ? [t.name] : []));
    return given.find((name, i) => given.indexOf(name) !== i);
}

/**
 * Why `target` cannot be written as a file (or, with `directory`, as a directory), checked before
 * the work starts so that a wrong path costs nothing and leaves no half-written set of files.
 */
export function outputProblem(target: string, directory: boolean): string | undefined {
    const stat = (p: string) => fs.statSync(p, { throwIfNoEntry: false });
    const writable = (p: string) => {
        try {
            fs.accessSync(p, fs.constants.W_OK);
            return true;
        } catch {
            return false;
        }
    };
    const own = stat(target);
    if (own?.isDirectory() && !directory) return `${target} is a directory, not a file`;
    if (own && !own.isDirectory() && directory) return `${target} is a file, not a directory`;
    if (own && !writable(target)) return `${target} is not writable`;
    for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
        const found = stat(dir);
        if (found && !found.isDirectory()) return `${dir} is a file, not a directory`;
        if (found) return writable(dir) ? undefined : `${dir} is not writable`;
        if (path.dirname(dir) === dir) return undefined;
    }
}
