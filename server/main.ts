// Server entry point: start on the configured port and print what is served and where.
import { createProgressBar } from '../scripts/progress-bar.js';
import { config } from './config.js';
import { denseOffLine } from './rag/rag-service.js';
import { startServer } from './serve.js';

const bar = createProgressBar();
try {
  const { LOG_LEVEL } = config();
  const quiet = LOG_LEVEL === 'silent' || LOG_LEVEL === 'error';
  const server = await startServer({
    onProgress: quiet ? undefined : ({ stage, done, total, detail }) => bar.update(stage, done, total, detail),
    onNotice: (message) => bar.log(message),
  });
  bar.end();
  const { index, denseOffReason } = server.service;
  if (!index.hasDense && !quiet) {
    console.error(denseOffLine(server.config));
    if (LOG_LEVEL === 'debug' && denseOffReason) console.error(`  reason: ${denseOffReason}`);
  }
  console.log(`政策问答 ready: ${index.documents.length} documents, ${index.chunks.length} clauses, dense retrieval ${index.hasDense ? 'on' : 'off'}, answers ${server.config.LLM_BASE_URL ? `by ${server.config.LLM_MODEL}` : 'extractive'}`);
  console.log(`Open ${server.url}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  bar.end();
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
