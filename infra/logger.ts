import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that may carry secrets. pino removes them before a line is written,
 * so a secret never reaches a log even when a whole object is logged.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.routing_key',
  '*.webhookUrl',
];

/** A JSON logger; `destination` (default standard output) lets tests read what it writes. */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      name: options.name ?? 'fireline',
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    options.destination ?? pino.destination(1),
  );
}
