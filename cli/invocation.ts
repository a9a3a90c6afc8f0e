/**
 * Where the user was when they ran an npm script: `npm run` starts scripts in the package root
 * and tells the directory it was started in through INIT_CWD. Relative paths a user types are
 * taken from there.
 */
export function invocationDir(script: string, env: NodeJS.ProcessEnv = process.env): string {
    return env.npm_lifecycle_event === script && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}
