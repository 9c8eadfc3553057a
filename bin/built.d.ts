/** The project's root folder. */
export const root: string;
/** True when `dist/src/cli.js` is newer than every file of src/ and jobs/. */
export function builtIsCurrent(): boolean;
