import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

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

/**
 * A JSON logger; `destination` (default standard output) lets tests read what
 * it writes. `pretty` writes readable lines instead, for a person at a
 * terminal (`npm start`); the same paths are redacted either way.
 */
export function createLogger(options: {
  level: string;
  name?: string;
  destination?: DestinationStream;
  pretty?: boolean;
}): Logger {
  return pino(
    {
      name: options.name ?? 'fireline',
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    options.destination ??
      (options.pretty
        ? pinoPretty({
            sync: true,
            colorize: true,
            singleLine: true,
            translateTime: 'SYS:HH:MM:ss',
            ignore: 'pid,hostname,name',
          })
        : pino.destination(1)),
  );
}
