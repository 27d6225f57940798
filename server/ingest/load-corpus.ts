// Corpus: lists a folder's documents and their metadata (from manifest.json, or inferred from the text).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { z } from 'zod';
import type { DocumentMeta } from '../rag/types.js';
import { supportedExtensions } from './load-document.js';

const manifestSchema = z.object({
  documents: z.array(
    z.object({
      file: z.string().min(1),
      id: z.string().regex(/^[\p{L}\p{N}_.-]+$/u).optional(),
      title: z.string().min(1).optional(),
      region: z.string().optional(),
      issuer: z.string().optional(),
      date: z.string().optional(),
      source: z.string().optional(),
    }),
  ),
});

export type CorpusManifest = z.infer<typeof manifestSchema>;

/** A corpus file found on disk, with whatever metadata the manifest gives it. */
export interface CorpusEntry {
  path: string;
  meta: Omit<DocumentMeta, 'title'> & { title?: string };
}

/**
 * Lists the supported files under `directory` (recursively, skipping dot-folders) with their
 * manifest metadata. Files the manifest does not name still load, with an id from the file name.
 */
export async function listCorpus(directory: string): Promise<CorpusEntry[]> {
  const manifest = await readManifest(directory);
  const byFile = new Map(manifest?.documents.map((entry) => [entry.file, entry]));
  const files = (await walk(directory)).filter((file) => (supportedExtensions as readonly string[]).includes(extname(file).toLowerCase()));
  const seen = new Set<string>();
  return files.sort().map((path) => {
    const file = relative(directory, path).split('\\').join('/');
    const entry = byFile.get(file);
    let id = entry?.id ?? idFromFileName(file);
    while (seen.has(id)) id = `${id}-${createHash('sha1').update(file).digest('hex').slice(0, 6)}`;
    seen.add(id);
    return { path, meta: { ...entry, id, file } };
  });
}

async function readManifest(directory: string): Promise<CorpusManifest | undefined> {
  let raw: string;
  try {
    raw = await readFile(join(directory, 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new Error(`corpus manifest ${join(directory, 'manifest.json')} is invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((entry) => !entry.name.startsWith('.'))
      .map((entry) => (entry.isDirectory() ? walk(join(directory, entry.name)) : Promise.resolve([join(directory, entry.name)]))),
  );
  return nested.flat();
}

/** A URL-safe id from a file name: "政策/通知 A.txt" → "政策-通知-A". */
export function idFromFileName(file: string): string {
  const stem = file.slice(0, file.length - extname(file).length);
  return stem.replace(/[^\p{L}\p{N}_.-]+/gu, '-').replace(/^-+|-+$/g, '') || 'document';
}

const policyTitleEnd = '(方案|意见|通知|办法|细则|规定|规划|决定|公告|条例|纲要|措施|计划|通告|批复|指引|指南|要点|公报|报告|函)';

/**
 * Title of a document without a manifest title: a policy-style first line, else a 《…》 title near
 * the top, else a short first line, else the file name.
 */
export function inferTitle(text: string, file: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  // An issuer line over a "关于…的通知" line is one title set on two lines.
  const policyLine = new RegExp(`^关于.{2,80}${policyTitleEnd}$`);
  if (lines.length >= 2 && lines[0].length <= 40 && !/[。；，,]/.test(lines[0]) && policyLine.test(lines[1])) return `《${lines[0]}${lines[1]}》`;
  const first = lines[0] ?? '';
  const firstPolicy = first.match(new RegExp(`^(.{4,60}?${policyTitleEnd})(?=$|[(（\\s])`));
  if (firstPolicy) return `《${firstPolicy[1]}》`;
  const quoted = text.slice(0, 400).match(new RegExp(`《([^《》]{4,80}${policyTitleEnd})》`));
  if (quoted) return `《${quoted[1]}》`;
  if (first.length > 0 && first.length <= 50 && !/[。；]/.test(first)) return first;
  return basename(file, extname(file));
}
