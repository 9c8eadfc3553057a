#!/usr/bin/env node
// Runs the built CLI (dist/, from `npm run build`, which `npm ci` runs) when it was built after
// the last change to src/ and jobs/: tsx's transform costs an idle daemon about 40 MB. Otherwise,
// as in a checkout being edited, the TypeScript runs directly through tsx: never stale code.
import path from 'node:path';
import process from 'node:process';
import { builtIsCurrent, root } from './built.js';

if (process.env.EARSHOT_RUN_SOURCE !== '1' && builtIsCurrent()) {
  await import(path.join(root, 'dist/src/cli.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
