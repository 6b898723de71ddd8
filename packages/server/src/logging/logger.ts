import pino, { type Logger } from 'pino';

/**
 * Structured logs. Secrets and personal data never reach them: request bodies are not logged, and the
 * paths that could carry credentials are redacted as a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'openidv' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers["x-auth-client"]',
        'req.headers["x-hmac-signature"]',
        'req.headers.cookie',
        'secret',
        'key',
        '*.secret',
        '*.key',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
