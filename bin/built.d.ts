/** The built CLI, `dist/src/cli.js`. */
export const builtCli: string;
/** True when the build is current and EARSHOT_RUN_SOURCE=1 does not ask for the sources. */
export function runsBuilt(): boolean;
