import { pino, type DestinationStream, type Logger } from 'pino';
import { requestScope } from './request-scope.js';

export type { Logger };

/**
 * The engine's logger: JSON lines on stdout (or `destination`, for tests). A line written while an HTTP
 * request is served carries its `requestId`, whichever logger writes it.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: (_obj, _level, logger) => {
        const scope = requestScope.current();
        if (!scope || (logger as Logger).bindings().requestId !== undefined) return {};
        return { requestId: scope.requestId };
      },
    },
    destination,
  );
}
