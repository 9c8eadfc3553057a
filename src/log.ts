import pino, { type Logger } from 'pino';

/**
 * Structured logs on stderr (stdout is kept for the JSON of `analyze` and `replay`). Secrets are
 * redacted by key wherever they appear in a logged object.
 */
export function createLogger(level = 'info'): Logger {
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
    pino.destination({ fd: 2, sync: true }),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
