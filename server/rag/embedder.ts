// Sentence embeddings from a local or downloaded transformers.js model, behind LangChain's Embeddings contract.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Embeddings } from '@langchain/core/embeddings';

/** Retrieval instruction bge Chinese models expect in front of queries (never in front of documents). */
export const BGE_ZH_QUERY_INSTRUCTION = '为这个句子生成表示以用于检索相关文章：';

/** How token vectors become one sentence vector: bge models are trained on the [CLS] vector, most others on the mean. */
export type Pooling = 'mean' | 'cls';

// One text per model call: on 2 cores bge-small-zh embeds policy clauses as fast one at a time as in
// batches of 4–32 (padding and attention grow with the batch), and a query never waits behind more than
// one clause (npm run bench -- --model).
const DEFAULT_BATCH_SIZE = 1;
const DEFAULT_TIMEOUT_MS = 20_000;
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
  /** Texts per model call in {@link TransformersEmbeddings.embedDocuments} (default 1); a query waits for at most one call. */
  batchSize?: number;
  /** ONNX Runtime threads per model call (default: onnxruntime's own choice, one per core). */
  threads?: number;
  /** Defaults to `cls` for bge models and `mean` otherwise. */
  pooling?: Pooling;
  /** Load `onnx/model_quantized.onnx` rather than `onnx/model.onnx`; by default the quantized file when it exists. */
  quantized?: boolean;
  /** Give up when loading (download included) makes no progress for this long (default 20 s). */
  timeoutMs?: number;
  /** Called as model files arrive (also for local files), e.g. to show download progress. */
  onDownloadProgress?: (progress: { file: string; loaded: number; total: number }) => void;
  /**
   * Embed documents in a child process with an ONNX runtime of its own (one thread fewer than the
   * cores), so a query embedded meanwhile never waits behind a clause: what a server that re-indexes
   * wants. The process starts, and loads the model, at the first `embedDocuments`.
   */
  documentProcess?: boolean;
}

/**
 * Embeddings computed by a transformers.js feature-extraction pipeline in the process's embedding worker
 * (off the event loop): batched, pooled and L2-normalised, so a dot product is a cosine similarity.
 * A query is embedded before the next batch of any document embedding under way.
 */
export class TransformersEmbeddings extends Embeddings {
  readonly modelId: string;
  readonly dimensions: number;
  readonly pooling: Pooling;
  /** Text put in front of every query (empty for models that need none). */
  readonly queryInstruction: string;
  readonly batchSize: number;
  private readonly handle: number;
  /** How the model was loaded: what the document process loads again (undefined: documents run here). */
  private readonly documentLoad?: Record<string, unknown>;
  private documentModel?: Promise<{ worker: EmbeddingWorker; handle: number }>;
  private disposed?: Promise<void>;

  private constructor({ modelId, dimensions, pooling, batchSize, handle, documentLoad }: { modelId: string; dimensions: number; pooling: Pooling; batchSize: number; handle: number; documentLoad?: Record<string, unknown> }) {
    super({});
    this.documentLoad = documentLoad;
    this.modelId = modelId;
    this.dimensions = dimensions;
    this.pooling = pooling;
    this.queryInstruction = isBgeChinese(modelId) ? BGE_ZH_QUERY_INSTRUCTION : '';
    this.batchSize = batchSize;
    this.handle = handle;
  }

  /**
   * Loads the model from the download cache, `modelsDir` or (when allowed) the remote host, and embeds a
   * probe text to learn its dimensions. Rejects with {@link EmbeddingUnavailableError}; never hangs, because
   * a load that makes no progress for `timeoutMs` is given up.
   */
  /**
   * Whether a model's files are on this machine (under `modelsDir` or in the download cache), so it
   * loads without a download: its config and an ONNX file.
   */
  static isLocal({ modelId, modelsDir, cacheDir = defaultCacheDir }: Pick<LoadEmbeddingsOptions, 'modelId' | 'modelsDir' | 'cacheDir'>): boolean {
    const folders = [modelsDir ? join(resolve(modelsDir), modelId) : undefined, join(cacheDir, modelId)].filter((folder): folder is string => folder !== undefined);
    return folders.some((folder) => existsSync(join(folder, 'config.json')) && ['model_quantized.onnx', 'model.onnx'].some((file) => existsSync(join(folder, 'onnx', file))));
  }

  static async load(options: LoadEmbeddingsOptions): Promise<TransformersEmbeddings> {
    const {
      modelId,
      modelsDir,
      allowRemoteModels = true,
      remoteHost,
      cacheDir = defaultCacheDir,
      batchSize = DEFAULT_BATCH_SIZE,
      threads,
      pooling = isBge(modelId) ? 'cls' : 'mean',
      quantized,
      timeoutMs = DEFAULT_TIMEOUT_MS,
      onDownloadProgress,
      documentProcess = false,
    } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    const loadOptions = { modelId, modelsDir, allowRemoteModels, remoteHost, cacheDir, pooling, quantized, timeoutMs, threads };
    const { handle, dimensions } = await embeddingWorker().request<{ handle: number; dimensions: number }>({ type: 'load', options: loadOptions }, { onProgress: onDownloadProgress });
    // The files are local by now: the document process loads them without a download.
    const documentLoad = documentProcess ? { ...loadOptions, allowRemoteModels: false, threads: threads ?? Math.max(1, availableParallelism() - 1) } : undefined;
    return new TransformersEmbeddings({ modelId, dimensions, pooling, batchSize, handle, documentLoad });
  }

  /** One unit vector per text, in input order; `onProgress` is called after every batch. */
  override async embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<number[][]> {
    if (texts.length === 0) return [];
    this.assertUsable();
    // Batching texts of similar length keeps padding, and so wasted compute, small.
    const order = texts.map((_, index) => index).sort((left, right) => texts[left].length - texts[right].length);
    const vectors: number[][] = new Array(texts.length);
    let done = 0;
    const { worker, handle } = this.documentLoad ? await this.loadForDocuments() : { worker: embeddingWorker(), handle: this.handle };
    await worker.request(
      { type: 'embed-documents', handle, texts: order.map((index) => texts[index]), batchSize: this.batchSize },
      {
        onBatch: ({ start, vectors: batch }) => {
          const rows = batch.length / this.dimensions;
          for (let row = 0; row < rows; row++) vectors[order[start + row]] = Array.from(batch.subarray(row * this.dimensions, (row + 1) * this.dimensions));
          done += rows;
          onProgress?.(done, texts.length);
        },
      },
    );
    return vectors;
  }

  /** The query's unit vector, with the model's retrieval instruction in front when it has one. */
  override async embedQuery(text: string): Promise<number[]> {
    this.assertUsable();
    const { vectors } = await embeddingWorker().request<{ vectors: Float32Array }>({ type: 'embed-query', handle: this.handle, text: this.queryInstruction + text });
    return Array.from(vectors);
  }

  /** Releases the model's ONNX sessions (both, with a document process); embedding calls still queued for it are rejected. */
  async dispose(): Promise<void> {
    this.disposed ??= (async () => {
      const documentModel = await this.documentModel?.catch(() => undefined);
      await Promise.all([
        embeddingWorker().request({ type: 'dispose', handle: this.handle }),
        documentModel?.worker.request({ type: 'dispose', handle: documentModel.handle }).catch(() => undefined),
      ]);
    })();
    return this.disposed;
  }

  /** The document process and the model's handle there: loaded once, and again in a new process if that one ended. */
  private async loadForDocuments(): Promise<{ worker: EmbeddingWorker; handle: number }> {
    const loaded = await this.documentModel?.catch(() => undefined);
    if (loaded && !loaded.worker.stopped) return loaded;
    const worker = documentWorker();
    this.documentModel = worker.request<{ handle: number }>({ type: 'load', options: this.documentLoad }).then(({ handle }) => ({ worker, handle }));
    return this.documentModel;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error(`the embedder for ${this.modelId} was disposed`);
  }
}

function isBge(modelId: string): boolean {
  return /bge/i.test(modelId);
}

function isBgeChinese(modelId: string): boolean {
  return isBge(modelId) && /zh/i.test(modelId);
}

interface RequestHandlers {
  onProgress?: (progress: { file: string; loaded: number; total: number }) => void;
  onBatch?: (batch: { start: number; vectors: Float32Array }) => void;
}

interface PendingRequest extends RequestHandlers {
  resolve: (value: any) => void;
  reject: (error: Error) => void;
}

const workerScript = new URL('./embedding-worker.mjs', import.meta.url);

/** What the main thread talks to: the worker thread, or the child process that embeds documents. */
interface Channel {
  post(message: Record<string, unknown>): void;
  /** Whether the channel keeps the process alive (only while work is pending). */
  hold(held: boolean): void;
}

/** The main thread's side of server/rag/embedding-worker.mjs: numbered requests, answers matched by id. */
class EmbeddingWorker {
  private readonly channel: Channel;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  /** Why the worker can take no more requests (it failed or exited); undefined while it runs. */
  stopped?: string;

  constructor(kind: 'thread' | 'process') {
    if (kind === 'thread') {
      const worker = new Worker(workerScript);
      worker.on('message', (message) => this.receive(message));
      worker.on('error', (error: Error) => this.stop(`the embedding worker failed: ${error.message}`));
      worker.on('exit', (code) => this.stop(`the embedding worker exited (code ${code})`));
      this.channel = { post: (message) => worker.postMessage(message), hold: (held) => (held ? worker.ref() : worker.unref()) };
    } else {
      // No TypeScript loader: the script is plain JavaScript.
      const child: ChildProcess = fork(fileURLToPath(workerScript), [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      child.on('message', (message) => this.receive(message as { type: string; id: number }));
      child.on('error', (error: Error) => this.stop(`the document embedding process failed: ${error.message}`));
      child.on('exit', (code, signal) => this.stop(`the document embedding process exited (${signal ?? `code ${code}`})`));
      this.channel = {
        post: (message) => child.send(message),
        hold: (held) => {
          if (held) {
            child.ref();
            child.channel?.ref();
          } else {
            child.unref();
            child.channel?.unref();
          }
        },
      };
    }
    // An idle worker must not keep a script or test process alive; it is referenced while work is pending.
    this.channel.hold(false);
  }

  request<T = unknown>(message: Record<string, unknown>, handlers: RequestHandlers = {}): Promise<T> {
    if (this.stopped) return Promise.reject(new EmbeddingUnavailableError(this.stopped));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...handlers });
      if (this.pending.size === 1) this.channel.hold(true);
      this.channel.post({ ...message, id });
    });
  }

  private receive(message: { type: string; id: number; [key: string]: any }): void {
    const request = this.pending.get(message.id);
    if (!request) return;
    switch (message.type) {
      case 'progress':
        request.onProgress?.({ file: message.file, loaded: message.loaded, total: message.total });
        return;
      case 'batch':
        request.onBatch?.({ start: message.start, vectors: message.vectors });
        if (message.done) this.settle(message.id, () => request.resolve(undefined));
        return;
      case 'error':
        this.settle(message.id, () => request.reject(message.unavailable ? new EmbeddingUnavailableError(message.reason) : new Error(message.reason)));
        return;
      default:
        this.settle(message.id, () => request.resolve(message));
    }
  }

  private settle(id: number, finish: () => void): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.channel.hold(false);
    finish();
  }

  private stop(reason: string): void {
    this.stopped ??= reason;
    for (const [id, request] of this.pending) this.settle(id, () => request.reject(new EmbeddingUnavailableError(reason)));
  }
}

let sharedWorker: EmbeddingWorker | undefined;
let sharedDocumentProcess: EmbeddingWorker | undefined;

function embeddingWorker(): EmbeddingWorker {
  sharedWorker ??= new EmbeddingWorker('thread');
  return sharedWorker;
}

/** The document embedding process; a new one when the last one ended. */
function documentWorker(): EmbeddingWorker {
  if (!sharedDocumentProcess || sharedDocumentProcess.stopped) sharedDocumentProcess = new EmbeddingWorker('process');
  return sharedDocumentProcess;
}
