// Admin routes (only when ADMIN_TOKEN is set): rebuild the index from the corpus and swap it in live.
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { clientAddress } from '../client-address.js';
import { AppError } from '../errors.js';
import { reindexService, type RagService } from '../rag/rag-service.js';
import { MinuteCounter } from '../rate-limit.js';

/** Wrong tokens one client address may send per minute before even the right one must wait. */
const allowedFailuresPerMinute = 5;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function adminRoutes(service: RagService, token: string) {
  let running: Promise<unknown> | undefined;
  const failures = new MinuteCounter();
  return new Hono()
    .use('*', async (c, next) => {
      const client = clientAddress(c, service.config.TRUST_PROXY);
      const spent = failures.peek(client);
      if (spent.count >= allowedFailuresPerMinute) {
        c.header('Retry-After', String(spent.retryAfterSeconds));
        throw new AppError('rate_limited', 'Too many wrong admin tokens; wait a minute and try again.');
      }
      const header = c.req.header('authorization') ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!given || !sameToken(given, token)) {
        failures.add(client);
        c.header('WWW-Authenticate', 'Bearer');
        throw new AppError('unauthorized', given ? 'Wrong admin token.' : 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".');
      }
      await next();
    })
    .post('/reindex', async (c) => {
      if (running) throw new AppError('conflict:reindex_running');
      const work = reindexService(service);
      running = work;
      try {
        const report = await work;
        return c.json({ documents: report.documents, chunks: report.chunks, reusedDocuments: report.reusedDocuments, dense: service.index.hasDense, failures: report.failures });
      } catch (error) {
        // The caller holds the admin token: the reason (a missing folder, no documents) is theirs to read.
        throw new AppError('reindex_failed', `The index was not rebuilt: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500), { cause: error });
      } finally {
        running = undefined;
      }
    });
}
