// GET /api/health: index size, retrieval mode and answer model.
import { fetchJson } from '../../../lib/fetch-json';

export interface Health {
  status?: string;
  documents?: number;
  chunks?: number;
  retrieval?: { lexical?: boolean; dense?: boolean; embeddingModel?: string | null };
  llm?: { provider?: string | null; model?: string | null };
}

export function getHealth(signal?: AbortSignal): Promise<Health> {
  return fetchJson<Health>('/api/health', { signal, timeoutMs: 8000 });
}
