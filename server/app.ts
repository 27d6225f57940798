// The Hono app: API routes, OpenAI-compatible routes, the built web UI, and one error handler.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { requestIsHttps } from './client-address.js';
import { AppError } from './errors.js';
import { ClusterIndex } from './rag/cluster-index.js';
import type { RagService } from './rag/rag-service.js';
import { rateLimit } from './rate-limit.js';
import { adminRoutes } from './routes/admin.js';
import { chatRoutes } from './routes/chat.js';
import { documentsRoutes } from './routes/documents.js';
import { openAiRoutes } from './routes/openai.js';
import { limits } from './routes/schemas.js';
import { searchRoutes } from './routes/search.js';
import { toAppError } from './routes/to-app-error.js';

/** Where `npm run build` puts the web UI. */
export const webDistDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../web/dist');

export interface AppOptions {
  /** Where errors with their stack go (the client never sees them). */
  log?: (message: string, error?: unknown) => void;
  webDir?: string;
}

/** Builds the app around a RAG service; tests call `app.request()` on it. */
export function createApp(service: RagService, { log = defaultLog(service), webDir = webDistDir }: AppOptions = {}) {
  const logError = (error: unknown) => log('request failed', error);
  const app = new Hono();

  app.use('*', secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
    },
    // The same rule as frame-ancestors 'none', for browsers that only read the older header.
    xFrameOptions: 'DENY',
    // HSTS is only meaningful (and only sent) over HTTPS, which here means through a trusted TLS proxy.
    strictTransportSecurity: false,
  }));
  app.use('*', async (c, next) => {
    await next();
    if (requestIsHttps(c, service.config.TRUST_PROXY)) c.header('Strict-Transport-Security', 'max-age=15552000; includeSubDomains');
  });
  const jsonBodyLimit = bodyLimit({ maxSize: limits.bodyBytes, onError: () => { throw new AppError('payload_too_large'); } });
  // File uploads have their own, larger limit (server/routes/documents.ts); every other body is JSON.
  app.use('/api/*', (c, next) => (c.req.method === 'POST' && c.req.path === '/api/documents' ? next() : jsonBodyLimit(c, next)));
  app.use('/v1/*', bodyLimit({ maxSize: limits.bodyBytes, onError: () => { throw new AppError('payload_too_large'); } }));
  const limiter = rateLimit({ perMinute: service.config.RATE_LIMIT_PER_MINUTE, trustProxy: service.config.TRUST_PROXY });
  app.use('/api/chat', limiter);
  app.use('/api/search', limiter);
  app.use('/v1/chat/*', limiter);

  app.get('/api/health', (c) => {
    const { index } = service;
    return c.json({
      status: 'ok',
      documents: index.documents.length,
      chunks: index.chunks.length,
      retrieval: {
        lexical: true,
        dense: index.hasDense,
        embeddingModel: index.hasDense ? (index.stored.manifest.embedding?.modelId ?? null) : null,
        ...(index.hasDense ? {} : { denseOffReason: service.denseOffReason ? withoutPaths(service.denseOffReason) : null }),
        ...(index instanceof ClusterIndex ? { backend: { engine: 'solr', collection: index.collection, fusion: index.fusion } } : {}),
      },
      llm: service.config.LLM_BASE_URL ? { provider: 'openai-compatible', model: service.config.LLM_MODEL } : { provider: 'extractive', model: null },
    });
  });
  app.route('/api/documents', documentsRoutes(service));
  app.route('/api/search', searchRoutes(service));
  app.route('/api/chat', chatRoutes(service, logError));
  app.route('/v1', openAiRoutes(service, logError));
  if (service.config.ADMIN_TOKEN) app.route('/api/admin', adminRoutes(service, service.config.ADMIN_TOKEN));
  else {
    app.all('/api/admin/*', () => {
      throw new AppError('admin_disabled');
    });
  }
  app.all('/api/*', () => {
    throw new AppError('not_found:route');
  });
  app.all('/v1/*', () => {
    throw new AppError('not_found:route');
  });

  if (existsSync(join(webDir, 'index.html'))) {
    const indexHtml = readFileSync(join(webDir, 'index.html'), 'utf8');
    app.use('/*', serveStatic({ root: webDir }));
    app.get('*', (c) => c.html(indexHtml));
  } else {
    app.get('/', (c) => c.text('The web UI is not built yet: run `npm run build` (npm start does this for you).', 503));
  }

  app.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.status >= 500) logError(error);
    return c.json(appError.toJSON(), appError.status as 400);
  });
  app.notFound((c) => c.json(new AppError('not_found:route').toJSON(), 404));
  return app;
}

/** Health is public: server paths in a message (MODELS_DIR=/srv/…) become "…". URLs are kept. */
export function withoutPaths(message: string): string {
  return message.replace(/(?<![\w:/.-])(?:\/|[A-Za-z]:\\)[^\s'"(),;]*/g, '…');
}

function defaultLog(service: RagService) {
  return (message: string, error?: unknown) => {
    if (service.config.LOG_LEVEL === 'silent') return;
    // The cause says what went wrong upstream (e.g. "LLM upstream http 401 at …"); the client only sees the code.
    const cause = error instanceof Error && error.cause instanceof Error ? `\n  caused by: ${error.cause.message}` : '';
    console.error(`[server] ${message}`, error instanceof Error ? `${error.stack}${cause}` : (error ?? ''));
  };
}
