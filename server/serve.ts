// Starting the server: open (and if needed build) the index, then serve the app over HTTP.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { parseConfig, type Config } from './config.js';
import type { IngestProgress } from './ingest/ingest-corpus.js';
import { closeRagService, openRagService, type RagService } from './rag/rag-service.js';

export interface StartOptions {
  port?: number;
  host?: string;
  indexDir?: string;
  corpusDir?: string;
  /** Extra environment (merged over process.env) — tests set LLM_BASE_URL, RATE_LIMIT_PER_MINUTE … here. */
  env?: Record<string, string>;
  onProgress?: (progress: IngestProgress) => void;
  onNotice?: (message: string) => void;
  /** Overrides of the slow-client limits (tests shorten them). */
  timeouts?: Partial<typeof slowClientLimits>;
}

/**
 * Limits for slow clients, set explicitly rather than left to Node's defaults: request headers must
 * arrive within 15 s and a whole request (bodies are at most 64 KB) within 30 s, checked every second;
 * a streamed answer is a response, so these never cut one off.
 */
export const slowClientLimits = { headersMs: 15_000, requestMs: 30_000, checkIntervalMs: 1_000 };

export interface RunningServer {
  url: string;
  service: RagService;
  config: Config;
  close(): Promise<void>;
}

/** Ingests the corpus when the index is missing or stale, then listens; resolves once it accepts requests. */
export async function startServer({ port, host, indexDir, corpusDir, env = {}, onProgress, onNotice = () => {}, timeouts = {} }: StartOptions = {}): Promise<RunningServer> {
  const config = parseConfig({
    ...process.env,
    ...env,
    ...(port !== undefined ? { PORT: String(port) } : {}),
    ...(host !== undefined ? { HOST: host } : {}),
    ...(indexDir !== undefined ? { INDEX_DIR: indexDir } : {}),
    ...(corpusDir !== undefined ? { CORPUS_DIR: corpusDir } : {}),
  });
  // Without CORPUS_DIR, an existing index keeps the folder it was built from.
  const corpusFromIndex = corpusDir === undefined && env.CORPUS_DIR === undefined && process.env.CORPUS_DIR === undefined;
  const service = await openRagService({ config, ingestIfStale: true, corpusFromIndex, onProgress, onNotice });
  const app = createApp(service);
  const server = await new Promise<ReturnType<typeof serve>>((resolveServer, reject) => {
    const limits = { ...slowClientLimits, ...timeouts };
    const serverOptions = { headersTimeout: limits.headersMs, requestTimeout: limits.requestMs, connectionsCheckingInterval: limits.checkIntervalMs };
    const instance = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST, serverOptions }, () => resolveServer(instance));
    instance.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${shownHost}:${address.port}`,
    service,
    config,
    close: async () => {
      await new Promise<void>((resolveClose) => {
        const closable = server as unknown as { closeAllConnections?: () => void };
        server.close(() => resolveClose());
        closable.closeAllConnections?.();
      });
      await closeRagService(service);
    },
  };
}
