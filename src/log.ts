import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * Structured logs on stderr (stdout is kept for the JSON of `analyze` and `replay`): JSON lines for
 * log collectors, readable lines when a person watches a terminal (LOG_FORMAT=json|pretty forces
 * one). Secrets are redacted by key wherever they appear in a logged object.
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
          '*.password',
          '*.token',
          '*.authorization',
          '*.headers',
          'webhook_url',
          'password',
          'token',
        ],
        censor: '[secret]',
      },
    },
    readable
      ? pretty({
          destination: 2,
          sync: true,
          translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
          ignore: 'pid,hostname',
        })
      : pino.destination({ fd: 2, sync: true }),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
