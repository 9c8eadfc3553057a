#!/usr/bin/env node
// Runs the built CLI (dist/, from `npm run build`, which `npm ci` runs) when it was built after
// the last change to src/ and jobs/: tsx's transform costs an idle daemon about 40 MB. Otherwise,
// as in a checkout being edited, the TypeScript runs directly through tsx: never stale code.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist/src/cli.js');

/** The newest modification time of the files under the folders, in ms. */
function newest(folders) {
  let t = 0;
  for (const folder of folders)
    for (const entry of readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true }))
      if (entry.isFile()) t = Math.max(t, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  return t;
}

function builtIsCurrent() {
  try {
    return statSync(built).mtimeMs >= newest(['src', 'jobs']);
  } catch {
    return false;
  }
}

if (process.env.EARSHOT_RUN_SOURCE !== '1' && builtIsCurrent()) {
  await import(built);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
