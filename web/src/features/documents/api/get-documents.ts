// GET /api/documents: the library listing.
import { fetchJson } from '../../../lib/fetch-json';
import type { DocumentSummary } from './types';

export async function getDocuments(signal?: AbortSignal): Promise<DocumentSummary[]> {
  const body = await fetchJson<{ documents?: DocumentSummary[] }>('/api/documents', { signal });
  return Array.isArray(body.documents) ? body.documents : [];
}
