// DELETE /api/documents/:id: the file leaves the corpus folder (kept beside it) and the index.
import { fetchJson } from '../../../lib/fetch-json';
import type { RemovedDocument } from './types';

export function removeDocument(id: string): Promise<RemovedDocument> {
  // Re-indexing a large library takes a while: wait longer than for a read.
  return fetchJson<RemovedDocument>(`/api/documents/${encodeURIComponent(id)}`, { method: 'DELETE', timeoutMs: 300_000 });
}
