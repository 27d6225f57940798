// Corpus: lists a folder's documents and their metadata (from manifest.json, or inferred from the text).
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { DocumentMeta } from '../rag/types.js';
import { supportedExtensions } from './load-document.js';
import { documentTitle, readMetadata } from './read-metadata.js';

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
 * Symbolic links, anything whose real path leaves the folder, and names that would read as paths
 * elsewhere (a leading "..", a backslash) are skipped with one `onNotice` line each.
 */
export async function listCorpus(directory: string, { onNotice = () => {} }: { onNotice?: (message: string) => void } = {}): Promise<CorpusEntry[]> {
  const manifest = await readManifest(directory);
  const byFile = new Map(manifest?.documents.map((entry) => [entry.file, entry]));
  const root = await realpath(directory);
  const files = (await walk({ directory, root, base: directory, onNotice })).filter((file) => (supportedExtensions as readonly string[]).includes(extname(file).toLowerCase()));
  const seen = new Set<string>();
  return files.sort().map((path) => {
    const file = relative(directory, path).split(sep).join('/');
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

/** The files under `directory`; `root` is the corpus folder's real path, `base` the folder names are shown relative to. */
async function walk({ directory, root, base, onNotice }: { directory: string; root: string; base: string; onNotice: (message: string) => void }): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    const shown = relative(base, path);
    const skip = (why: string) => onNotice(`skipped ${shown}: ${why}`);
    if (entry.name.startsWith('..')) {
      skip('a name starting with ".." looks like a path outside the folder; rename the file to index it');
      continue;
    }
    if (entry.name.startsWith('.')) continue; // hidden files and folders (.git, .drafts) are not documents
    if (entry.name.includes('\\')) {
      skip('a name with a backslash would read as a path on Windows; rename the file to index it');
      continue;
    }
    if (entry.isSymbolicLink()) {
      skip('symbolic links are not followed (copy the file into the corpus folder instead)');
      continue;
    }
    // A mount or a path swapped underneath us could still lead elsewhere: the real path decides.
    const real = await realpath(path).catch(() => undefined);
    if (!real || (real !== root && !real.startsWith(root + sep))) {
      skip('its real path is outside the corpus folder');
      continue;
    }
    if (entry.isDirectory()) files.push(...(await walk({ directory: path, root, base, onNotice })));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** A URL-safe id from a file name: "政策/通知 A.txt" → "政策-通知-A". */
export function idFromFileName(file: string): string {
  const stem = file.slice(0, file.length - extname(file).length);
  return stem.replace(/[^\p{L}\p{N}_.-]+/gu, '-').replace(/^-+|-+$/g, '') || 'document';
}

/** Title of a document without a manifest title: see `readMetadata` (an official title line comes in 《》). */
export function inferTitle(text: string, file: string): string {
  return documentTitle(readMetadata(text, file));
}
