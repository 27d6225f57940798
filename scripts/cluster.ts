// `npm run cluster -- start | index`: a local SolrCloud for trials, and publishing an index to a Solr cluster.
//   start [--nodes N]                       starts N local nodes (default 2), prints their URLs; type `stop N`,
//                                           `start N` to stop or restart a node, Ctrl-C to end
//   index [--index DIR] [--url URL[,URL]]   publishes the product's index (`npm run ingest` output) to the
//         [--collection ALIAS] [--shards N] [--replicas N] [--configset NAME]
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { config, parseConfig } from '../server/config.js';
import { clusterSettings, publishIndex } from '../server/rag/cluster-index.js';
import { loadIndex } from '../server/rag/index-store.js';
import { clusterToolsMissing, startLocalCluster } from './cluster/local-cluster.js';
import { createProgressBar } from './progress-bar.js';

const usage = `usage:
  npm run cluster -- start [--nodes N]
  npm run cluster -- index [--index DIR] [--url http://host:8983/solr[,…]] [--collection ALIAS] [--shards N] [--replicas N] [--configset NAME]
(defaults from INDEX_DIR, SOLR_URL, SOLR_COLLECTION, SOLR_SHARDS, SOLR_REPLICAS, SOLR_CONFIGSET; see docs/scale-out.md)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    nodes: { type: 'string' },
    index: { type: 'string' },
    url: { type: 'string' },
    collection: { type: 'string' },
    shards: { type: 'string' },
    replicas: { type: 'string' },
    configset: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const [command] = positionals;
if (values.help || !command || !['start', 'index'].includes(command)) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

try {
  if (command === 'start') await start();
  else await index();
} catch (error) {
  console.error(`cluster ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

async function start(): Promise<void> {
  const missing = clusterToolsMissing();
  if (missing) throw new Error(missing);
  const nodes = Number(values.nodes ?? 2);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 8) throw new Error('--nodes must be 1 to 8');
  console.error(`starting ${nodes} Solr nodes and ZooKeeper on loopback ports…`);
  const cluster = await startLocalCluster({ nodes, onNotice: (message) => console.error(message) });
  console.log(`SolrCloud up in ${(cluster.startMs / 1000).toFixed(1)} s: ${cluster.urls.join(' ')} (ZooKeeper ${cluster.zkHost}, config set ${cluster.configSet})`);
  console.log(`publish an index:   npm run cluster -- index --index data/index --url ${cluster.urls.join(',')}`);
  console.log(`serve from it:      SEARCH_BACKEND=solr SOLR_URL=${cluster.urls.join(',')} npm start`);
  console.log('commands: stop N, start N, shutdown (or Ctrl-C)');
  let ending = false;
  const end = async () => {
    if (ending) return;
    ending = true;
    await cluster.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
  for await (const line of createInterface({ input: process.stdin })) {
    const [word, node] = line.trim().split(/\s+/);
    try {
      if (word === 'stop') await cluster.stopNode(Number(node)), console.log(`node ${node} stopped`);
      else if (word === 'start') await cluster.startNode(Number(node)), console.log(`node ${node} started`);
      else if (word === 'shutdown') break;
      else if (word) console.log('commands: stop N, start N, shutdown');
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
    }
  }
  await end();
}

async function index(): Promise<void> {
  const base = config();
  const settings = clusterSettings(
    parseConfig({
      SOLR_URL: values.url ?? base.SOLR_URL.join(','),
      SOLR_COLLECTION: values.collection ?? base.SOLR_COLLECTION,
      SOLR_SHARDS: values.shards ?? String(base.SOLR_SHARDS),
      SOLR_REPLICAS: values.replicas ?? String(base.SOLR_REPLICAS),
      SOLR_CONFIGSET: values.configset ?? base.SOLR_CONFIGSET,
    }),
  );
  if (settings.client.urls.length === 0) throw new Error('give the Solr node URLs with --url or SOLR_URL');
  const indexDir = values.index ?? base.INDEX_DIR;
  const stored = await loadIndex({ directory: indexDir });
  const bar = createProgressBar();
  const report = await publishIndex({
    stored,
    settings,
    onProgress: ({ done, total }) => bar.update('publish', done, total),
    onNotice: (message) => {
      bar.end();
      console.error(message);
    },
  });
  bar.end();
  console.log(
    report.created
      ? `published ${report.chunks} chunks of ${indexDir} to collection ${report.collection} in ${(report.ms / 1000).toFixed(1)} s; alias ${settings.alias} → ${report.collection}`
      : `collection ${report.collection} already holds the ${report.chunks} chunks of ${indexDir}; alias ${settings.alias} → ${report.collection}`,
  );
  for (const name of report.removed) console.log(`removed collection ${name} of an earlier index`);
  console.log(`serve from it: SEARCH_BACKEND=solr SOLR_URL=${settings.client.urls.join(',')} SOLR_COLLECTION=${settings.alias} INDEX_DIR=${indexDir} npm start`);
}
