import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs. Secrets and personal data never reach them: request bodies are not logged, and the
 * paths that could carry credentials are redacted as a second line of defence.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'openidv' },
      redact: {
        // Headers turn up under several parents (req, busboyOptions of the multipart parser, …).
        paths: [
          ...['req.headers', 'headers', '*.headers'].flatMap((h) =>
            [
              'authorization',
              'cookie',
              '"x-api-key"',
              '"x-auth-client"',
              '"x-hmac-signature"',
              '"x-signature"',
            ].map((k) => `${h}.${k}`),
          ),
          'secret',
          'key',
          '*.secret',
          '*.key',
        ],
        censor: '[redacted]',
      },
    },
    destination as DestinationStream,
  );
}

export type { Logger };
