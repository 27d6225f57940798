// Admin routes (only when ADMIN_TOKEN is set): rebuild the index from the corpus and swap it in live.
import { Hono } from 'hono';
import { clientAddress } from '../client-address.js';
import { AppError } from '../errors.js';
import { exclusiveWrite } from '../rag/library-writes.js';
import { reindexService, type RagService } from '../rag/rag-service.js';
import { MinuteCounter } from '../rate-limit.js';
import { bearerToken, sameToken } from './write-guard.js';

/** Wrong tokens one client address may send per minute before even the right one must wait. */
const allowedFailuresPerMinute = 5;

export function adminRoutes(service: RagService, token: string) {
  const failures = new MinuteCounter();
  return new Hono()
    .use('*', async (c, next) => {
      const client = clientAddress(c, service.config.TRUST_PROXY);
      const spent = failures.peek(client);
      if (spent.count >= allowedFailuresPerMinute) {
        c.header('Retry-After', String(spent.retryAfterSeconds));
        throw new AppError('rate_limited', 'Too many wrong admin tokens; wait a minute and try again.');
      }
      const given = bearerToken(c);
      if (!given || !sameToken(given, token)) {
        failures.add(client);
        c.header('WWW-Authenticate', 'Bearer');
        throw new AppError('unauthorized', given ? 'Wrong admin token.' : 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".');
      }
      await next();
    })
    .post('/reindex', async (c) => {
      // One change to the index at a time: a re-index while an upload or another re-index runs is refused (409).
      const report = await exclusiveWrite(
        service,
        async () => {
          try {
            return await reindexService(service);
          } catch (error) {
            // The caller holds the admin token: the reason (a missing folder, no documents) is theirs to read.
            throw new AppError('reindex_failed', `The index was not rebuilt: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500), { cause: error });
          }
        },
        { wait: false },
      );
      return c.json({ documents: report.documents, chunks: report.chunks, reusedDocuments: report.reusedDocuments, dense: service.index.hasDense, failures: report.failures });
    });
}
