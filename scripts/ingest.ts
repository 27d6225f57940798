// `npm run ingest -- --corpus DIR --index DIR [--no-embeddings]`: builds the search index for a folder of documents.
import { parseArgs } from 'node:util';
import { config } from '../server/config.js';
import { ingestCorpus } from '../server/ingest/ingest-corpus.js';
import { denseOffLine } from '../server/rag/rag-service.js';
import { createProgressBar } from './progress-bar.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    index: { type: 'string' },
    'no-embeddings': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run ingest -- [--corpus DIR] [--index DIR] [--no-embeddings]');
  process.exit(0);
}

const settings = config();
const corpusDir = values.corpus ?? settings.CORPUS_DIR;
const indexDir = values.index ?? settings.INDEX_DIR;
const bar = createProgressBar();
const started = performance.now();
try {
  const report = await ingestCorpus({
    corpusDir,
    indexDir,
    embeddingModel: values['no-embeddings'] ? null : settings.EMBEDDING_MODEL || null,
    modelsDir: settings.MODELS_DIR,
    allowRemoteModels: settings.ALLOW_REMOTE_MODELS,
    modelMirror: settings.MODEL_MIRROR,
    onProgress: ({ stage, done, total, detail }) => bar.update(stage, done, total, detail),
    onNotice: (message) => bar.log(message),
  });
  bar.end();
  if (!report.dense && !values['no-embeddings']) {
    console.error(denseOffLine(settings));
    if (settings.LOG_LEVEL === 'debug' && report.denseOffReason) console.error(`  reason: ${report.denseOffReason}`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `indexed ${report.documents} documents, ${report.chunks} chunks into ${indexDir} in ${seconds}s ` +
      `(reused ${report.reusedDocuments} unchanged documents; dense: ${report.dense ? `${report.manifest.embedding?.modelId}, ${report.embeddedChunks} embedded, ${report.reusedVectors} reused` : 'off'})`,
  );
  if (report.duplicateGroups > 0 || report.versionGroups > 0) {
    console.log(`found ${report.duplicateGroups} group(s) of copies of one text and ${report.versionGroups} document(s) issued in several versions`);
  }
  if (report.failures.length > 0) console.error(`${report.failures.length} file(s) skipped: ${report.failures.map((failure) => failure.file).join(', ')}`);
} catch (error) {
  bar.end();
  console.error(`ingest failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
