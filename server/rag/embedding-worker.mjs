// The embedding worker: runs transformers.js feature extraction off the main thread for every embedder of
// the process. Plain JavaScript because Node loads worker scripts itself, without the TypeScript loader
// that tsx or vitest put in front of the rest of the code.
//
// One worker thread serves the whole process and is never restarted: onnxruntime-node 1.14 (the runtime
// of @xenova/transformers 2.x) registers its native addon once per process, and a second thread that loads
// it fails with "Module did not self-register". So models are loaded here side by side, and the work of
// all of them is scheduled here: a query runs before the next batch of documents. A server that
// re-indexes runs this same script a second time as a child process (an ONNX runtime of its own) for the
// documents, so a query never waits behind a clause being embedded.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parentPort } from 'node:worker_threads';

const PROBE_TEXT = '维度探测';

/** @type {typeof import('@xenova/transformers') | undefined} */
let transformers;
/** @type {{ settings: Record<string, unknown>, defaults: Record<string, unknown> } | undefined} */
let librarySettings;
/** Session options for the load in progress (loads run one at a time, see `loads`). */
let sessionOptions = {};
/** @type {Map<number, { extractor: any, pooling: 'cls' | 'mean', dimensions: number }>} */
const models = new Map();
let nextHandle = 1;
// transformers.js reads its settings from one global `env` while files load, so loads run one at a time.
let loads = Promise.resolve();
/** @type {{ id: number, handle: number, texts: string[] }[]} */
const queries = [];
/** @type {{ id: number, handle: number, texts: string[], batchSize: number, next: number }[]} */
const documentJobs = [];
let pumping = false;

// As a worker thread it talks through parentPort; as a child process (fork) through its IPC channel,
// and it ends when its parent goes away.
const port = parentPort ?? { on: (event, listener) => process.on(event, listener), postMessage: (message) => process.send(message) };
if (!parentPort) process.on('disconnect', () => process.exit(0));

port.on('message', (message) => {
  switch (message.type) {
    case 'load':
      loads = loads.then(() => load(message)).catch(() => undefined);
      break;
    case 'embed-query':
      queries.push({ id: message.id, handle: message.handle, texts: [message.text] });
      void pump();
      break;
    case 'embed-documents':
      documentJobs.push({ id: message.id, handle: message.handle, texts: message.texts, batchSize: message.batchSize, next: 0 });
      void pump();
      break;
    case 'dispose':
      void dispose(message);
      break;
  }
});

/** Loads a feature-extraction pipeline and learns its dimensions from a probe text. */
async function load({ id, options }) {
  const { modelId, modelsDir, allowRemoteModels = true, remoteHost, cacheDir, pooling, quantized, timeoutMs, threads } = options;
  try {
    transformers ??= await import('@xenova/transformers');
  } catch (error) {
    return fail(id, `transformers.js could not be loaded: ${describeError(error)}`);
  }
  if (!librarySettings) {
    librarySettings = { settings: transformers.env, defaults: { ...transformers.env } };
    limitThreads();
  }
  const { settings, defaults } = librarySettings;
  settings.localModelPath = modelsDir ? resolve(modelsDir) : defaults.localModelPath;
  settings.allowLocalModels = true;
  settings.allowRemoteModels = allowRemoteModels;
  settings.remoteHost = remoteHost ?? defaults.remoteHost;
  settings.cacheDir = resolve(cacheDir);
  sessionOptions = threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {};

  const localFolder = join(settings.localModelPath, modelId);
  const foundLocally = [localFolder, join(settings.cacheDir, modelId)].some((folder) => existsSync(join(folder, 'config.json')));
  const where = modelsDir ? `MODELS_DIR=${resolve(modelsDir)}` : `the download cache ${settings.cacheDir} (MODELS_DIR not set)`;
  // A folder with only the full-precision export is still usable without the caller knowing its layout.
  const onlyFullPrecision = existsSync(join(localFolder, 'onnx', 'model.onnx')) && !existsSync(join(localFolder, 'onnx', 'model_quantized.onnx'));
  const useQuantized = quantized ?? !onlyFullPrecision;

  const stallTimer = startStallTimer(timeoutMs);
  const loading = transformers.pipeline('feature-extraction', modelId, {
    quantized: useQuantized,
    progress_callback: (event) => {
      stallTimer.touch();
      if (event.status === 'progress') port.postMessage({ type: 'progress', id, file: event.file ?? '', loaded: event.loaded ?? 0, total: event.total ?? 0 });
    },
  });
  // transformers.js cannot abort a download; a failure after we gave up must not surface as unhandled.
  loading.catch(() => undefined);
  let extractor;
  try {
    extractor = await Promise.race([loading, stallTimer.expired]);
  } catch (error) {
    const stalled = error instanceof StallError;
    const failure = stalled ? `made no progress for ${formatSeconds(timeoutMs)}` : `failed: ${describeError(error)}`;
    return fail(
      id,
      foundLocally
        ? `model ${modelId} in ${where} could not be loaded: ${stalled ? failure : describeError(error)}`
        : allowRemoteModels
          ? `model ${modelId} not found in ${where} and remote download from ${settings.remoteHost} ${failure}`
          : `model ${modelId} not found in ${where} and remote download is disabled`,
    );
  } finally {
    stallTimer.stop();
  }

  let dimensions;
  try {
    const probe = await extractor(PROBE_TEXT, { pooling, normalize: true });
    dimensions = probe.dims[probe.dims.length - 1];
  } catch (error) {
    await extractor.dispose().catch(() => undefined);
    return fail(id, `model ${modelId} loaded but cannot embed text: ${describeError(error)}`);
  }
  const handle = nextHandle++;
  models.set(handle, { extractor, pooling, dimensions });
  port.postMessage({ type: 'loaded', id, handle, dimensions });
}

/**
 * transformers.js 2.x creates ONNX sessions without session options: the thread count of the load in
 * progress is added here, on the onnxruntime-node module transformers.js itself imports.
 */
function limitThreads() {
  const onnxRuntime = createRequire(import.meta.resolve('@xenova/transformers'))('onnxruntime-node');
  const { InferenceSession } = onnxRuntime;
  const create = InferenceSession.create.bind(InferenceSession);
  InferenceSession.create = (model, options) => create(model, { ...options, ...sessionOptions });
}

/** Runs queued work until none is left: every waiting query before the next batch of documents. */
async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (queries.length > 0 || documentJobs.length > 0) {
      if (queries.length > 0) await runQuery(queries.shift());
      else await runDocumentBatch(documentJobs[0]);
      // Lets messages that arrived meanwhile (a query) join the queues before the next pick.
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
  } finally {
    pumping = false;
  }
}

async function runQuery({ id, handle, texts }) {
  try {
    const vectors = await embed(handle, texts);
    port.postMessage({ type: 'embedded', id, vectors }, [vectors.buffer]);
  } catch (error) {
    fail(id, describeError(error), false);
  }
}

async function runDocumentBatch(job) {
  const start = job.next;
  const end = Math.min(start + job.batchSize, job.texts.length);
  job.next = end;
  if (end >= job.texts.length) documentJobs.shift();
  try {
    const vectors = await embed(job.handle, job.texts.slice(start, end));
    port.postMessage({ type: 'batch', id: job.id, start, vectors, done: end >= job.texts.length }, [vectors.buffer]);
  } catch (error) {
    if (end < job.texts.length) documentJobs.splice(documentJobs.indexOf(job), 1);
    fail(job.id, describeError(error), false);
  }
}

/** Pooled, L2-normalised vectors of `texts`, row after row in one array. */
async function embed(handle, texts) {
  const model = models.get(handle);
  if (!model) throw new Error('the embedder was disposed');
  const output = await model.extractor(texts, { pooling: model.pooling, normalize: true });
  return new Float32Array(output.data);
}

/**
 * Drops the model: queued work for it fails, and its ONNX session is released (onnxruntime-node 1.14's
 * own dispose is a no-op; the native session is freed when its last reference is collected).
 */
async function dispose({ id, handle }) {
  const model = models.get(handle);
  models.delete(handle);
  for (const queue of [queries, documentJobs]) {
    for (let index = queue.length - 1; index >= 0; index--) {
      if (queue[index].handle !== handle) continue;
      fail(queue[index].id, 'the embedder was disposed', false);
      queue.splice(index, 1);
    }
  }
  await model?.extractor.dispose().catch(() => undefined);
  port.postMessage({ type: 'disposed', id });
}

function fail(id, reason, unavailable = true) {
  port.postMessage({ type: 'error', id, reason, unavailable });
}

class StallError extends Error {}

/** `expired` rejects once `timeoutMs` pass without a `touch()`, so slow-but-moving downloads are not cut off. */
function startStallTimer(timeoutMs) {
  let timer;
  let expire = () => undefined;
  const expired = new Promise((_, reject) => (expire = reject));
  expired.catch(() => undefined);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => expire(new StallError(`no progress for ${timeoutMs} ms`)), timeoutMs);
  };
  touch();
  return { expired, touch, stop: () => clearTimeout(timer) };
}

function formatSeconds(milliseconds) {
  return `${Number((milliseconds / 1000).toFixed(1))} s`;
}

/** One line: the error message plus its cause (fetch hides the network error there). */
function describeError(error) {
  if (!(error instanceof Error)) return String(error).replace(/\s+/g, ' ');
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`.replace(/\s+/g, ' ').trim();
}
