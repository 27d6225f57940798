// Who sent a request, and whether it came over HTTPS: the socket, or what trusted reverse proxies forwarded.
import type { Context } from 'hono';

/**
 * The client's address. Without trusted proxies it is the socket's peer (headers are ignored: a client
 * can write any). With `trustProxy` = n, it is the address the n-th proxy from this server recorded:
 * the n-th entry from the end of X-Forwarded-For (or, without that header, of Forwarded `for=`), since
 * each proxy appends its peer and a client can only prepend.
 */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
  if (trustProxy <= 0) return socket;
  const hops = forwardedFor(c);
  if (hops.length === 0) return socket;
  return hops[Math.max(0, hops.length - trustProxy)];
}

/** Whether the request reached the first trusted proxy (or this server) over HTTPS. */
export function requestIsHttps(c: Context, trustProxy: number): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  if (trustProxy <= 0) return false;
  const header = c.req.header('x-forwarded-proto');
  const protos = (header !== undefined ? header.split(',') : forwardedParameters(c.req.header('forwarded'), 'proto')).map((proto) => proto.trim().toLowerCase());
  return protos.length > 0 && protos[Math.max(0, protos.length - trustProxy)] === 'https';
}

function forwardedFor(c: Context): string[] {
  const xForwardedFor = c.req.header('x-forwarded-for');
  const hops = xForwardedFor !== undefined ? xForwardedFor.split(',') : forwardedParameters(c.req.header('forwarded'), 'for');
  return hops.map(bareAddress).filter((hop) => hop.length > 0);
}

/** The values of one parameter in an RFC 7239 Forwarded header, in order (`for=a;proto=https, for=b`). */
function forwardedParameters(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const element of header.split(',')) {
    for (const pair of element.split(';')) {
      const [key, ...rest] = pair.split('=');
      if (key.trim().toLowerCase() === name) values.push(rest.join('=').trim().replace(/^"|"$/g, ''));
    }
  }
  return values;
}

/** "[2001:db8::7]:4711" → "2001:db8::7", "192.0.2.60:80" → "192.0.2.60"; at most 64 characters. */
function bareAddress(value: string): string {
  const trimmed = value.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(trimmed);
  if (bracketed) return bracketed[1].slice(0, 64);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(trimmed);
  return (withPort ? withPort[1] : trimmed).slice(0, 64);
}
