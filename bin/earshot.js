#!/usr/bin/env node
// Runs the built CLI (dist/, from `npm run build`, which `npm ci` runs) when it was built after
// the last change to src/ and jobs/: tsx's transform costs an idle daemon about 40 MB. Otherwise,
// as in a checkout being edited, the TypeScript runs directly through tsx: never stale code.
import { builtCli, runsBuilt } from './built.js';

if (runsBuilt()) {
  await import(builtCli);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
