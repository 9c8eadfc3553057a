import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Env } from '../config.ts';

export const ACK_SECRET_FILE = 'ack-secret';

/**
 * The key acknowledge links are signed with: EARSHOT_ACK_SECRET, else one made at the first start
 * and kept in the data folder (readable by its owner only), so links survive restarts. Daemons on
 * several machines must share EARSHOT_ACK_SECRET for each to accept the others' links.
 */
export function loadAckSecret(env: Env, dataDir: string): string {
  if (env.EARSHOT_ACK_SECRET) return env.EARSHOT_ACK_SECRET;
  const file = path.join(dataDir, ACK_SECRET_FILE);
  try {
    return kept(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw code ? cannotRead(file, err) : err;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  try {
    // `wx`: when two processes start together, the first one's secret is the one both keep.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotRead(file, err);
    return kept(file);
  }
}

function kept(file: string): string {
  const secret = readFileSync(file, 'utf8').trim();
  // An empty or cut key would sign links anyone could make: refuse it rather than use it.
  if (secret.length < 16)
    throw new Error(`${file} holds no usable secret; delete it and Earshot makes a new one`);
  return secret;
}

function cannotRead(file: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new Error(`cannot keep the acknowledge-link secret in ${file} (${code})`, { cause: err });
}
