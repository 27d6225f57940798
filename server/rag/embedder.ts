// Sentence embeddings from a local or downloaded transformers.js model, behind LangChain's Embeddings contract.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Embeddings } from '@langchain/core/embeddings';
import type { FeatureExtractionPipeline } from '@xenova/transformers';

/** Retrieval instruction bge Chinese models expect in front of queries (never in front of documents). */
export const BGE_ZH_QUERY_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';

/** How token vectors become one sentence vector: bge models are trained on the [CLS] vector, most others on the mean. */
export type Pooling = 'mean' | 'cls';

const DEFAULT_BATCH_SIZE = 32;
const DEFAULT_TIMEOUT_MS = 20_000;
const PROBE_TEXT = '维度探测';
// Downloads land in the repo's git-ignored .cache/, not inside node_modules.
const defaultCacheDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../.cache/transformers');

/** The embedding model cannot be used; `reason` is one line a person can act on. */
export class EmbeddingUnavailableError extends Error {
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'EmbeddingUnavailableError';
    this.reason = reason;
  }
}

/** Options for {@link TransformersEmbeddings.load}. */
export interface LoadEmbeddingsOptions {
  /** Hub id or folder name under `modelsDir`, e.g. `Xenova/bge-small-zh-v1.5`. */
  modelId: string;
  /** Folder holding `<modelId>/config.json`, `tokenizer.json`, `onnx/model_quantized.onnx` … (MODELS_DIR). */
  modelsDir?: string;
  /** Download from `remoteHost` when the model is not found locally (default true). */
  allowRemoteModels?: boolean;
  /** Mirror to download from instead of https://huggingface.co/ (same URL layout). */
  remoteHost?: string;
  /** Where downloaded models are kept (default `.cache/transformers` in the repo); checked before `modelsDir`. */
  cacheDir?: string;
  /** Texts per model call in {@link TransformersEmbeddings.embedDocuments} (default 32). */
  batchSize?: number;
  /** Defaults to `cls` for bge models and `mean` otherwise. */
  pooling?: Pooling;
  /** Load `onnx/model_quantized.onnx` rather than `onnx/model.onnx`; by default the quantized file when it exists. */
  quantized?: boolean;
  /** Give up when loading (download included) makes no progress for this long (default 20 s). */
  timeoutMs?: number;
  /** Called as model files arrive (also for local files), e.g. to show download progress. */
  onDownloadProgress?: (progress: { file: string; loaded: number; total: number }) => void;
}

/** The writable subset of transformers.js's `env` (its published types declare some of these read-only). */
interface TransformersSettings {
  localModelPath: string;
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  remoteHost: string;
  cacheDir: string;
}

let librarySettings: { settings: TransformersSettings; defaults: TransformersSettings } | undefined;
// transformers.js reads its settings from one global `env` while files load, so loads run one at a time.
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Embeddings computed in-process by a transformers.js feature-extraction pipeline: batched, pooled and
 * L2-normalised, so a dot product is a cosine similarity.
 */
export class TransformersEmbeddings extends Embeddings {
  readonly modelId: string;
  readonly dimensions: number;
  readonly pooling: Pooling;
  /** Text put in front of every query (empty for models that need none). */
  readonly queryInstruction: string;
  readonly batchSize: number;
  private readonly extractor: FeatureExtractionPipeline;

  private constructor({
    modelId,
    dimensions,
    pooling,
    batchSize,
    extractor,
  }: {
    modelId: string;
    dimensions: number;
    pooling: Pooling;
    batchSize: number;
    extractor: FeatureExtractionPipeline;
  }) {
    super({});
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.pooling = pooling;
    this.queryInstruction = isBgeChinese(modelId) ? BGE_ZH_QUERY_INSTRUCTION : '';
    this.batchSize = batchSize;
    this.extractor = extractor;
  }

  /**
   * Loads the model from the download cache, `modelsDir` or (when allowed) the remote host, and embeds a
   * probe text to learn its dimensions. Rejects with {@link EmbeddingUnavailableError}; never hangs, because
   * a load that makes no progress for `timeoutMs` is given up.
   */
  static async load(options: LoadEmbeddingsOptions): Promise<TransformersEmbeddings> {
    const loading = loadQueue.then(() => loadExtractor(options));
    loadQueue = loading.catch(() => undefined);
    const { extractor, dimensions, pooling } = await loading;
    return new TransformersEmbeddings({ modelId: options.modelId, dimensions, pooling, batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE, extractor });
  }

  /** One unit vector per text, in input order; `onProgress` is called after every batch. */
  override async embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<number[][]> {
    // Batching texts of similar length keeps padding, and so wasted compute, small.
    const order = texts.map((_, index) => index).sort((left, right) => texts[left].length - texts[right].length);
    const vectors: number[][] = new Array(texts.length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const batch = order.slice(start, start + this.batchSize);
      const batchVectors = await this.embed(batch.map((index) => texts[index]));
      batch.forEach((index, row) => (vectors[index] = batchVectors[row]));
      onProgress?.(start + batch.length, texts.length);
    }
    return vectors;
  }

  /** The query's unit vector, with the model's retrieval instruction in front when it has one. */
  override async embedQuery(text: string): Promise<number[]> {
    const [vector] = await this.embed([this.queryInstruction + text]);
    return vector;
  }

  /** Releases the ONNX session. */
  async dispose(): Promise<void> {
    await this.extractor.dispose();
  }

  private async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const output = await this.extractor(texts, { pooling: this.pooling, normalize: true });
    const data = output.data as Float32Array;
    return texts.map((_, row) => Array.from(data.subarray(row * this.dimensions, (row + 1) * this.dimensions)));
  }
}

async function loadExtractor({
  modelId,
  modelsDir,
  allowRemoteModels = true,
  remoteHost,
  cacheDir = defaultCacheDir,
  batchSize = DEFAULT_BATCH_SIZE,
  pooling = isBge(modelId) ? 'cls' : 'mean',
  quantized,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  onDownloadProgress,
}: LoadEmbeddingsOptions): Promise<{ extractor: FeatureExtractionPipeline; dimensions: number; pooling: Pooling }> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  let transformers: typeof import('@xenova/transformers');
  try {
    transformers = await import('@xenova/transformers');
  } catch (error) {
    throw new EmbeddingUnavailableError(`transformers.js could not be loaded: ${describeError(error)}`, { cause: error });
  }
  librarySettings ??= {
    settings: transformers.env as unknown as TransformersSettings,
    defaults: { ...(transformers.env as unknown as TransformersSettings) },
  };
  const { settings, defaults } = librarySettings;
  settings.localModelPath = modelsDir ? resolve(modelsDir) : defaults.localModelPath;
  settings.allowLocalModels = true;
  settings.allowRemoteModels = allowRemoteModels;
  settings.remoteHost = remoteHost ?? defaults.remoteHost;
  settings.cacheDir = resolve(cacheDir);

  const localFolder = join(settings.localModelPath, modelId);
  const foundLocally = [localFolder, join(settings.cacheDir, modelId)].some((folder) => existsSync(join(folder, 'config.json')));
  const where = modelsDir ? `MODELS_DIR=${resolve(modelsDir)}` : `the download cache ${settings.cacheDir} (MODELS_DIR not set)`;
  // A folder with only the full-precision export is still usable without the caller knowing its layout.
  const onlyFullPrecision =
    existsSync(join(localFolder, 'onnx', 'model.onnx')) && !existsSync(join(localFolder, 'onnx', 'model_quantized.onnx'));
  const useQuantized = quantized ?? !onlyFullPrecision;

  const stallTimer = startStallTimer(timeoutMs);
  const loading = transformers.pipeline('feature-extraction', modelId, {
    quantized: useQuantized,
    progress_callback: (event: { status: string; file?: string; loaded?: number; total?: number }) => {
      stallTimer.touch();
      if (event.status === 'progress' && onDownloadProgress) onDownloadProgress({ file: event.file ?? '', loaded: event.loaded ?? 0, total: event.total ?? 0 });
    },
  });
  // transformers.js cannot abort a download; a failure after we gave up must not surface as unhandled.
  loading.catch(() => undefined);
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = await Promise.race([loading, stallTimer.expired]);
  } catch (error) {
    const stalled = error instanceof StallError;
    const failure = stalled ? `made no progress for ${formatSeconds(timeoutMs)}` : `failed: ${describeError(error)}`;
    const reason = foundLocally
      ? `model ${modelId} in ${where} could not be loaded: ${stalled ? failure : describeError(error)}`
      : allowRemoteModels
        ? `model ${modelId} not found in ${where} and remote download from ${settings.remoteHost} ${failure}`
        : `model ${modelId} not found in ${where} and remote download is disabled`;
    throw new EmbeddingUnavailableError(reason, { cause: error });
  } finally {
    stallTimer.stop();
  }

  let dimensions: number;
  try {
    const probe = await extractor(PROBE_TEXT, { pooling, normalize: true });
    dimensions = probe.dims[probe.dims.length - 1];
  } catch (error) {
    await extractor.dispose().catch(() => undefined);
    throw new EmbeddingUnavailableError(`model ${modelId} loaded but cannot embed text: ${describeError(error)}`, { cause: error });
  }
  return { extractor, dimensions, pooling };
}

function isBge(modelId: string): boolean {
  return /bge/i.test(modelId);
}

function isBgeChinese(modelId: string): boolean {
  return isBge(modelId) && /zh/i.test(modelId);
}

class StallError extends Error {}

/** `expired` rejects once `timeoutMs` pass without a `touch()`, so slow-but-moving downloads are not cut off. */
function startStallTimer(timeoutMs: number): { expired: Promise<never>; touch: () => void; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let expire: (error: StallError) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => (expire = reject));
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => expire(new StallError(`no progress for ${timeoutMs} ms`)), timeoutMs);
  };
  touch();
  return { expired, touch, stop: () => clearTimeout(timer) };
}

function formatSeconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(1))} s`;
}

/** One line: the error message plus its cause (fetch hides the network error there). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).replace(/\s+/g, ' ');
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`.replace(/\s+/g, ' ').trim();
}
