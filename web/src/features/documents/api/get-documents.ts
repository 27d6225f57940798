// GET /api/documents: the library listing, and what this page may change in it.
import { fetchJson } from '../../../lib/fetch-json';
import type { DocumentSummary, UploadPolicy } from './types';

export interface Library {
  documents: DocumentSummary[];
  /** Absent from servers that cannot take files from the browser. */
  uploads: UploadPolicy | null;
}

export async function getDocuments(signal?: AbortSignal): Promise<Library> {
  const body = await fetchJson<{ documents?: DocumentSummary[]; uploads?: UploadPolicy }>('/api/documents', { signal });
  const uploads = body.uploads && typeof body.uploads.allowed === 'boolean' ? body.uploads : null;
  return { documents: Array.isArray(body.documents) ? body.documents : [], uploads };
}
