// Rate limiting keyed on the client's socket address (never on a header a client could forge).
import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors.js';

/** Fixed one-minute windows per socket address; `perMinute` 0 turns limiting off. */
export function rateLimit({ perMinute }: { perMinute: number }): MiddlewareHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    if (perMinute <= 0) return next();
    const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
    const key = env?.incoming?.socket?.remoteAddress ?? 'local';
    const now = Date.now();
    let window = windows.get(key);
    if (!window || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      windows.set(key, window);
      if (windows.size > 10_000) for (const [other, value] of windows) if (now - value.start >= 60_000) windows.delete(other);
    }
    window.count++;
    c.header('RateLimit-Limit', String(perMinute));
    c.header('RateLimit-Remaining', String(Math.max(0, perMinute - window.count)));
    if (window.count > perMinute) {
      c.header('Retry-After', String(Math.ceil((window.start + 60_000 - now) / 1000)));
      throw new AppError('rate_limited');
    }
    return next();
  };
}
