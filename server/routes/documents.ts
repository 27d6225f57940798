// GET /api/documents and GET /api/documents/:id: the corpus as the index holds it.
import { Hono } from 'hono';
import { AppError } from '../errors.js';
import type { RagService } from '../rag/rag-service.js';

export function documentsRoutes(service: RagService) {
  return new Hono()
    .get('/', (c) => {
      const { index } = service;
      return c.json({
        documents: index.documents.map((document) => ({
          id: document.id,
          title: document.title,
          region: document.region,
          issuer: document.issuer,
          date: document.date,
          chunks: index.chunkCount(document.id),
          chars: document.text.length,
        })),
      });
    })
    .get('/:id', (c) => {
      const { index } = service;
      const document = index.document(c.req.param('id'));
      if (!document) throw new AppError('not_found:document', `No document with id "${c.req.param('id').slice(0, 100)}".`);
      return c.json({
        id: document.id,
        title: document.title,
        region: document.region,
        issuer: document.issuer,
        date: document.date,
        source: document.source,
        text: document.text,
        sections: document.sections,
        chunks: index.chunks.filter((chunk) => chunk.documentId === document.id).map(({ id, start, end, section }) => ({ id, start, end, section })),
      });
    });
}
