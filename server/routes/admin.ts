// Admin routes (only when ADMIN_TOKEN is set): rebuild the index from the corpus and swap it in live.
import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '../errors.js';
import { reindexService, type RagService } from '../rag/rag-service.js';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function adminRoutes(service: RagService, token: string) {
  let running: Promise<unknown> | undefined;
  return new Hono()
    .use('*', async (c, next) => {
      const header = c.req.header('authorization') ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!given || !sameToken(given, token)) throw new AppError('unauthorized');
      await next();
    })
    .post('/reindex', async (c) => {
      if (running) return c.json({ error: { code: 'bad_request', message: 'A reindex is already running.' } }, 409);
      const work = reindexService(service);
      running = work;
      try {
        const report = await work;
        return c.json({ documents: report.documents, chunks: report.chunks, reusedDocuments: report.reusedDocuments, dense: service.index.hasDense, failures: report.failures });
      } finally {
        running = undefined;
      }
    });
}
