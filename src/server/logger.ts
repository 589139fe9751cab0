import pino, { type Logger } from 'pino';

/** Paths pino blanks wherever they appear, as a second line of defence behind Secret. */
export const REDACT_PATHS = [
  'key',
  'secret',
  '*.key',
  '*.secret',
  'req.headers.authorization',
  'req.headers["router-authorization"]',
  'req.headers.cookie',
  'headers.authorization',
];

/** Creates the process logger: JSON lines, readable through pino-pretty in a development terminal. */
export function createLogger(options: { level: string; pretty?: boolean; destination?: pino.DestinationStream }): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'billing-subgraph' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    try {
      require.resolve('pino-pretty');
      return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' } } });
    } catch {
      // pino-pretty is a dev dependency; without it, plain JSON is fine.
    }
  }
  return pino(base);
}
