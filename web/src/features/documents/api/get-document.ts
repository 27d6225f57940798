// GET /api/documents/:id: one document's full text with its section outline, cached per page load.
import { fetchJson } from '../../../lib/fetch-json';
import type { DocumentDetail } from './types';

const cache = new Map<string, Promise<DocumentDetail>>();

/** Returns the cached document or fetches it; failed fetches are forgotten so a retry asks again. */
export function getDocument(id: string): Promise<DocumentDetail> {
  let pending = cache.get(id);
  if (!pending) {
    pending = fetchJson<DocumentDetail>(`/api/documents/${encodeURIComponent(id)}`).then(normalizeDocument);
    pending.catch(() => cache.delete(id));
    cache.set(id, pending);
  }
  return pending;
}

/** Drops a removed document from the cache, so opening its id again asks the server. */
export function forgetDocument(id: string): void {
  cache.delete(id);
}

function normalizeDocument(raw: DocumentDetail): DocumentDetail {
  return {
    ...raw,
    text: typeof raw.text === 'string' ? raw.text : '',
    sections: Array.isArray(raw.sections)
      ? raw.sections
          .map((section) => ({ ...section, path: Array.isArray(section.path) ? section.path.map(String) : [String(section.path)] }))
          .filter((section) => Number.isFinite(section.start))
          .sort((a, b) => a.start - b.start || a.path.length - b.path.length)
      : [],
    chunks: Array.isArray(raw.chunks) ? raw.chunks : [],
  };
}
