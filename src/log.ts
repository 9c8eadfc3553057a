import pino, { type Logger } from 'pino';
import type Pretty from 'pino-pretty';
import { lazy } from './lazy.ts';
import { CENSOR, redact } from './redact.ts';

const pretty = lazy<typeof Pretty>('pino-pretty');

/**
 * Structured logs on stderr (stdout is kept for the JSON of `analyze` and `replay`): JSON lines for
 * log collectors, readable lines when a person watches a terminal (LOG_FORMAT=json|pretty forces
 * one). Secrets are redacted by key wherever they appear in a logged object, and by value and by
 * shape in every line written (src/redact.ts), messages included.
 */
export function createLogger(level = 'info', format = process.env.LOG_FORMAT): Logger {
  const readable = format === 'pretty' || (format !== 'json' && process.stderr.isTTY);
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          '*.webhook_url',
          '*.smtp_url',
          '*.password',
          '*.token',
          '*.secret',
          '*.api_key',
          '*.routing_key',
          '*.authorization',
          '*.headers',
          'webhook_url',
          'smtp_url',
          'password',
          'token',
          'secret',
          'api_key',
          'routing_key',
        ],
        censor: CENSOR,
      },
      hooks: { streamWrite: redact },
    },
    readable
      ? pretty()({
          destination: 2,
          sync: true,
          translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
          ignore: 'pid,hostname',
        })
      : pino.destination({ fd: 2, sync: true }),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
