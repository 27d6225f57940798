// POST /api/search: hybrid retrieval over the clauses.
import { Hono } from 'hono';
import { AppError } from '../errors.js';
import type { RagService } from '../rag/rag-service.js';
import { searchRequest } from './schemas.js';
import { validateJson } from './validate.js';

export function searchRoutes(service: RagService) {
  return new Hono().post('/', validateJson(searchRequest), async (c) => {
    const { query, k, documents } = c.req.valid('json');
    const unknown = documents?.find((id) => !service.index.document(id));
    if (unknown) throw new AppError('not_found:document', `No document with id "${unknown.slice(0, 100)}".`);
    const results = await service.index.search(query, { k, documents });
    return c.json({ results });
  });
}
