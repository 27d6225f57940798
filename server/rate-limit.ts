// Rate limiting keyed on the client's address: the socket's, or the one a trusted proxy forwards (TRUST_PROXY).
import type { MiddlewareHandler } from 'hono';
import { clientAddress } from './client-address.js';
import { AppError } from './errors.js';

const windowMs = 60_000;

/** Counts events per key in fixed one-minute windows (bounded: old windows are dropped as keys pile up). */
export class MinuteCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** Counts one event for `key`; returns the count in its window and the seconds until the window ends. */
  add(key: string, now = Date.now()): { count: number; retryAfterSeconds: number } {
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 10_000) for (const [other, value] of this.windows) if (now - value.start >= windowMs) this.windows.delete(other);
    }
    window.count++;
    return { count: window.count, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
  }

  /** The count in `key`'s current window, without adding to it. */
  peek(key: string, now = Date.now()): { count: number; retryAfterSeconds: number } {
    const window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) return { count: 0, retryAfterSeconds: 0 };
    return { count: window.count, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
  }
}

/** Fixed one-minute windows per client address; `perMinute` 0 turns limiting off. */
export function rateLimit({ perMinute, trustProxy = 0 }: { perMinute: number; trustProxy?: number }): MiddlewareHandler {
  const counter = new MinuteCounter();
  return async (c, next) => {
    if (perMinute <= 0) return next();
    const { count, retryAfterSeconds } = counter.add(clientAddress(c, trustProxy));
    c.header('RateLimit-Limit', String(perMinute));
    c.header('RateLimit-Remaining', String(Math.max(0, perMinute - count)));
    if (count > perMinute) {
      c.header('Retry-After', String(retryAfterSeconds));
      throw new AppError('rate_limited');
    }
    return next();
  };
}
