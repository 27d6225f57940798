// Who may change the library: requests from this machine by default, others with ADMIN_TOKEN; never a
// page of another site (a multipart POST needs no CORS preflight, so the browser would otherwise send it).
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { clientAddress } from '../client-address.js';
import { AppError } from '../errors.js';
import { MinuteCounter } from '../rate-limit.js';
import type { RagService } from '../rag/rag-service.js';

/** Wrong tokens one client address may send per minute before even the right one must wait. */
const allowedFailuresPerMinute = 5;

/** Constant-time comparison of a sent token with the configured one. */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer …` header, or '' when there is none. */
export function bearerToken(c: Context): string {
  const header = c.req.header('authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice(7).trim() : '';
}

const loopbackAddress = /^(?:127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/;

/** `localhost`, `x.localhost`, `127.0.0.1`, `[::1]` with or without a port. */
function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || loopbackAddress.test(name);
}

/**
 * Whether the request comes from this machine and names it: the client address is loopback (through no
 * untrusted proxy: forwarding headers without TRUST_PROXY mean a proxy on this machine relays someone
 * else) and the Host is a loopback name (a page whose own domain was re-pointed at 127.0.0.1 — DNS
 * rebinding — sends its own name).
 */
export function isLocalRequest(c: Context, trustProxy: number): boolean {
  if (trustProxy <= 0 && (c.req.header('x-forwarded-for') !== undefined || c.req.header('forwarded') !== undefined)) return false;
  return loopbackAddress.test(clientAddress(c, trustProxy)) && isLoopbackHost(c.req.header('host') ?? '');
}

/** Whether a browser says the request comes from a page of another origin. */
function isCrossSite(c: Context, trustProxy: number): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (origin === undefined) return false; // not a browser, or a same-origin GET-style navigation
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return true; // "null" (sandboxed frames, file: pages) or garbage
  }
  const hosts = [c.req.header('host'), ...(trustProxy > 0 ? (c.req.header('x-forwarded-host')?.split(',') ?? []) : [])];
  return !hosts.some((host) => host?.trim().toLowerCase() === originHost.toLowerCase());
}

/**
 * Middleware for every route that changes the library. Refuses a request from another site's page
 * (`forbidden:cross_site`, 403), then lets through a request from this machine, or one with the right
 * `Authorization: Bearer <ADMIN_TOKEN>`. Others get 401 (`unauthorized`: a token is configured) or 403
 * (`forbidden:remote_write`: none is); wrong tokens are rate limited like the admin route's.
 */
export function writeGuard(service: RagService): MiddlewareHandler {
  const failures = new MinuteCounter();
  return async (c, next) => {
    const { ADMIN_TOKEN: token, TRUST_PROXY: trustProxy } = service.config;
    if (isCrossSite(c, trustProxy)) throw new AppError('forbidden:cross_site');
    if (isLocalRequest(c, trustProxy)) return next();
    const given = bearerToken(c);
    if (!token) throw new AppError('forbidden:remote_write');
    const client = clientAddress(c, trustProxy);
    const spent = failures.peek(client);
    if (spent.count >= allowedFailuresPerMinute) {
      c.header('Retry-After', String(spent.retryAfterSeconds));
      throw new AppError('rate_limited', 'Too many wrong admin tokens; wait a minute and try again.');
    }
    if (!given || !sameToken(given, token)) {
      failures.add(client);
      c.header('WWW-Authenticate', 'Bearer');
      throw new AppError('unauthorized', given ? 'Wrong admin token.' : 'Changes from another machine need "Authorization: Bearer <ADMIN_TOKEN>".');
    }
    return next();
  };
}
