// Server entry point: start on the configured port and print the URL.
import { createProgressBar } from '../scripts/progress-bar.js';
import { startServer } from './serve.js';

const bar = createProgressBar();
try {
  const server = await startServer({
    onProgress: ({ stage, done, total, detail }) => bar.update(stage, done, total, detail),
    onNotice: (message) => {
      bar.end();
      console.error(message);
    },
  });
  bar.end();
  const { index } = server.service;
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
