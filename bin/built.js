// Whether dist/ (from `npm run build`, which `npm ci` runs) was built after the last change to
// src/ and jobs/: then it is what `earshot` runs (bin/earshot.js), and what benchmarks measure.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const builtCli = path.join(root, 'dist/src/cli.js');

/** The newest modification time of the files under the folders, in ms. */
function newest(folders) {
  let t = 0;
  for (const folder of folders)
    for (const entry of readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true }))
      if (entry.isFile()) t = Math.max(t, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  return t;
}

/**
 * True when the build is to be run: `dist/src/cli.js` is newer than every file of src/ and jobs/,
 * and EARSHOT_RUN_SOURCE=1 does not ask for the sources.
 */
export function runsBuilt() {
  if (process.env.EARSHOT_RUN_SOURCE === '1') return false;
  try {
    return statSync(builtCli).mtimeMs >= newest(['src', 'jobs']);
  } catch {
    return false;
  }
}
